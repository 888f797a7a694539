package dev.mote.sdk.flash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The boot-state record of docs/boot-flow.md: 64 little-endian bytes, kept twice in the flash's
 * boot_state partition (copies at +0 and +{@value #COPY_STRIDE}), the newest valid copy winning.
 * This is the host's writing of the format; kernel/src/bootstate.c is the device's reading (and
 * writing) of the same bytes. BootStateTest and kernel/test/test_bootstate.c check one golden
 * record against the same hex, so the two cannot drift apart.
 *
 * <p>One difference on purpose: a record whose {@code booting} byte is not A, B or none is
 * refused here (the C never writes one, and the model has no way to hold it).
 *
 * @param seq             higher is newer, unsigned 32-bit
 * @param active          the slot with the confirmed image, or NONE
 * @param pending         a new image waiting for (or on) its TEST boot, or NONE
 * @param tries           TEST boots of {@code pending} so far, 0..255
 * @param booting         the slot the bootloader last started, or NONE
 * @param securityCounter images below it are refused, unsigned 32-bit
 */
public record BootState(long seq, Slot active, Slot pending, int tries, Slot booting, long securityCounter) {
    public static final int SIZE = 64;
    public static final int MAGIC = 0x5453424d; // "MBST" read little-endian
    public static final int VERSION = 1;
    public static final int COPY_STRIDE = 4096;
    /** The smallest boot_state partition that holds both copies. */
    public static final int PARTITION_MIN = COPY_STRIDE + SIZE;
    private static final int CRC_OFFSET = 60;
    private static final long U32 = 0xffff_ffffL;

    public BootState {
        if (seq < 0 || seq > U32) {
            throw new IllegalArgumentException("seq: must be 0.." + U32 + ", got " + seq);
        }
        if (active == null || pending == null || booting == null) {
            throw new IllegalArgumentException("active, pending, booting: required (Slot.NONE for none)");
        }
        if (tries < 0 || tries > 0xff) {
            throw new IllegalArgumentException("tries: must be 0..255, got " + tries);
        }
        if (securityCounter < 0 || securityCounter > U32) {
            throw new IllegalArgumentException("security counter: must be 0.." + U32 + ", got " + securityCounter);
        }
    }

    /** A blank device's state (bootstate_init): seq 0, no slot active or pending, counter 0. */
    public static BootState blank() {
        return new BootState(0, Slot.NONE, Slot.NONE, 0, Slot.NONE, 0);
    }

    /**
     * The first record a blank device stores (seq 1, nothing tried or booted yet), as a flasher
     * writes it: {@code active} confirmed, {@code pending} waiting for its TEST boot.
     */
    public static BootState fresh(Slot active, Slot pending, long securityCounter) {
        return new BootState(1, active, pending, 0, Slot.NONE, securityCounter);
    }

    public BootState withSeq(long newSeq) {
        return new BootState(newSeq, active, pending, tries, booting, securityCounter);
    }

    /** The 64 bytes, CRC included. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC).putShort(4, (short) VERSION).putShort(6, (short) SIZE).putInt(8, (int) seq)
                .put(12, (byte) active.code()).put(13, (byte) pending.code()).put(14, (byte) tries)
                .put(15, (byte) booting.code()).putInt(16, (int) securityCounter);
        b.putInt(CRC_OFFSET, (int) crc(b.array(), 0));
        return b.array();
    }

    /** Parses the record at the start of {@code data}; see {@link #parse(byte[], int)}. */
    public static BootState parse(byte[] data) {
        return parse(data, 0);
    }

    /**
     * Parses the 64 bytes at {@code offset}, checking what the device checks (magic, version,
     * size, CRC, slot bytes); IllegalArgumentException saying which check failed.
     */
    public static BootState parse(byte[] data, int offset) {
        if (offset < 0 || data.length - offset < SIZE) {
            throw new IllegalArgumentException("boot-state record: needs " + SIZE + " bytes at offset " + offset
                    + ", have " + Math.max(0, data.length - offset));
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw bad(isZero(data, offset) ? "empty (all zero)" : "bad magic");
        }
        int version = Short.toUnsignedInt(b.getShort(4));
        int size = Short.toUnsignedInt(b.getShort(6));
        if (version != VERSION || size != SIZE) {
            throw bad("version " + version + ", size " + size + " (expected " + VERSION + ", " + SIZE + ")");
        }
        long stored = Integer.toUnsignedLong(b.getInt(CRC_OFFSET));
        long computed = crc(data, offset);
        if (stored != computed) {
            throw bad(String.format("bad CRC (stored 0x%08x, computed 0x%08x)", stored, computed));
        }
        Slot active = slot(b, 12, "active");
        Slot pending = slot(b, 13, "pending");
        Slot booting = slot(b, 15, "booting");
        return new BootState(Integer.toUnsignedLong(b.getInt(8)), active, pending, Byte.toUnsignedInt(b.get(14)),
                booting, Integer.toUnsignedLong(b.getInt(16)));
    }

    /** The copy (0 or 1) a record with this seq is written to: seq & 1, as bootstate_store does. */
    public static int copyFor(long seq) {
        return (int) (seq & 1);
    }

    /** Copy 0 or 1 of a boot_state partition, or null if that copy is not a valid record. */
    public static BootState readCopy(byte[] partition, int copy) {
        checkPartition(partition);
        try {
            return parse(partition, copyOffset(copy));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The newest valid copy in a boot_state partition (bootstate_load): the higher seq, copy 0
     * on a tie; empty if neither copy is valid (a blank device).
     */
    public static Optional<BootState> readNewest(byte[] partition) {
        BootState best = null;
        for (int copy = 0; copy < 2; copy++) {
            BootState s = readCopy(partition, copy);
            if (s != null && (best == null || s.seq > best.seq)) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Writes this state as the next record (seq + 1) into {@code partition} over the copy that
     * does not hold it, as bootstate_store does, and returns the record written.
     */
    public BootState writeNext(byte[] partition) {
        checkPartition(partition);
        BootState next = withSeq((seq + 1) & U32);
        System.arraycopy(next.toBytes(), 0, partition, copyOffset(copyFor(next.seq)), SIZE);
        return next;
    }

    /** One line for people: "seq 1: active A, pending B (TEST on next boot), security counter 3". */
    public String describe() {
        StringBuilder sb = new StringBuilder("seq " + seq + ": active " + active);
        if (pending != Slot.NONE) {
            sb.append(", pending ").append(pending).append(tries == 0 ? " (TEST on next boot)"
                    : " (tried " + tries + "x, reverts unless confirmed)");
        }
        if (booting != Slot.NONE) {
            sb.append(", last booted ").append(booting);
        }
        return sb.append(", security counter ").append(securityCounter).toString();
    }

    private static int copyOffset(int copy) {
        if (copy != 0 && copy != 1) {
            throw new IllegalArgumentException("copy: must be 0 or 1, got " + copy);
        }
        return copy * COPY_STRIDE;
    }

    private static void checkPartition(byte[] partition) {
        if (partition.length < PARTITION_MIN) {
            throw new IllegalArgumentException("partition: " + partition.length + " bytes, both copies need "
                    + PARTITION_MIN);
        }
    }

    private static long crc(byte[] data, int offset) {
        CRC32 c = new CRC32();
        c.update(data, offset, CRC_OFFSET);
        return c.getValue();
    }

    private static Slot slot(ByteBuffer b, int at, String field) {
        int code = Byte.toUnsignedInt(b.get(at));
        Slot s = Slot.ofCode(code);
        if (s == null) {
            throw bad(field + " slot is 0x" + Integer.toHexString(code) + " (expected 0, 1 or 0xff)");
        }
        return s;
    }

    private static boolean isZero(byte[] data, int offset) {
        for (int i = offset; i < offset + SIZE; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("boot-state record: " + why);
    }
}
