package dev.mote.ota.protocol;

import java.util.Locale;

/**
 * What a device says about a job in {@code state} messages, in the order it happens. Only
 * {@link #CONFIRMED} (sent after the TEST boot, once the new image confirmed itself) is success;
 * {@link #FAILED}, {@link #ROLLED_BACK} and {@link #CANCELLED} end the job without it.
 */
public enum JobStatus {
    /** Fetching chunks; {@code off} says how far. */
    DOWNLOADING,
    /** All bytes here; checking the SHA-256 and the signature. */
    VERIFYING,
    /** Written to the inactive slot and marked for a TEST boot. */
    INSTALLED,
    /** Restarting into the new image. */
    REBOOTING,
    /** Running the new image, which confirmed itself: the only success. */
    CONFIRMED,
    /** Gave up; {@code reason} says why (bad signature, flash error, ...). */
    FAILED,
    /** The new image did not confirm; the bootloader went back to the old one. */
    ROLLED_BACK,
    /** Stopped on the server's {@code cancel}. */
    CANCELLED;

    /** The wire name: lower case, no underscore ("rolledback"). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace("_", "");
    }

    public boolean terminal() {
        return this == CONFIRMED || this == FAILED || this == ROLLED_BACK || this == CANCELLED;
    }

    public static JobStatus fromWire(String s) {
        for (JobStatus st : values()) {
            if (st.wire().equals(s)) {
                return st;
            }
        }
        throw new ProtocolException("state: unknown status '" + s + "'");
    }
}
