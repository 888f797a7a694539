package dev.mote.flasher.disk;

/**
 * What a flash run reports as it goes, so a CLI can draw a progress bar or print JSON events.
 * Every method has an empty default; calls come from the flashing thread, in order.
 */
public interface FlashListener {
    /** A listener that ignores everything. */
    FlashListener NONE = new FlashListener() {
    };

    /** The stages of a run, in order. */
    enum Phase {
        /** Checking the image: signature, hash, profile (bytes: the image's). */
        VERIFY,
        /** Writing the image into the slot, skipping chunks that already match. */
        WRITE,
        /** Reading the slot back and comparing. */
        READBACK,
        /** Writing the boot-state record, then reading it back. */
        RECORD;

        /** "verify", "write", ... as JSON events and the bar say it. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** All checks passed: this is what will be written. Nothing has been written before this call. */
    default void planned(FlashPlan plan) {
    }

    /** {@code done} of {@code total} bytes of {@code phase} handled (0 first, total last). */
    default void progress(Phase phase, long done, long total) {
    }

    /**
     * One chunk of the WRITE or RECORD phase: {@code length} bytes at {@code offset} on the
     * target, {@code written} true if they were written, false if they already matched.
     */
    default void chunk(Phase phase, long offset, int length, boolean written) {
    }
}
