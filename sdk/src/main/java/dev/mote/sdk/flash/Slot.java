package dev.mote.sdk.flash;

import java.util.Locale;

/**
 * A slot as the boot-state record names it: A (0), B (1) or none (0xff), and the flash partition
 * that holds each slot's image.
 */
public enum Slot {
    A(0, "slot_a"), B(1, "slot_b"), NONE(0xff, null);

    private final int code;
    private final String partition;

    Slot(int code, String partition) {
        this.code = code;
        this.partition = partition;
    }

    /** The byte in the record: 0, 1 or 0xff. */
    public int code() {
        return code;
    }

    /** The profile partition holding this slot's image ("slot_a", "slot_b"); null for NONE. */
    public String partition() {
        return partition;
    }

    /** The other image slot (A for B, B for A). */
    public Slot other() {
        if (this == NONE) {
            throw new IllegalStateException("NONE has no other slot");
        }
        return this == A ? B : A;
    }

    /** The slot with this record byte, or null if it is none of 0, 1, 0xff. */
    public static Slot ofCode(int code) {
        for (Slot s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }

    /** "a" or "b" (any case), as the command line says it; IllegalArgumentException names {@code argument}. */
    public static Slot parse(String argument, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "a" -> A;
            case "b" -> B;
            default -> throw new IllegalArgumentException(argument + ": '" + text + "' is not a slot (a or b)");
        };
    }

    /** "A", "B" or "none", as the bootloader's console lines say it. */
    @Override
    public String toString() {
        return this == NONE ? "none" : name();
    }
}
