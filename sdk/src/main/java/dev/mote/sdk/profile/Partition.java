package dev.mote.sdk.profile;

/** A region of the board's flash: boot_state, slot_a, slot_b or persist. */
public record Partition(String name, long offset, long size) {
    /** The first byte after the partition. */
    public long end() {
        return offset + size;
    }

    /** True if the two partitions share at least one byte. */
    public boolean overlaps(Partition other) {
        return offset < other.end() && other.offset < end();
    }
}
