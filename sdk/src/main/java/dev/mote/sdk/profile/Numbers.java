package dev.mote.sdk.profile;

import java.util.Locale;

/**
 * Numbers in profiles and on the command line: decimal or 0x hex, optionally followed by
 * K, M or G (binary multiples). Sizes and addresses share the syntax so that a partition may
 * say {@code 7232K} and an address {@code 0x40080000}.
 */
public final class Numbers {
    private Numbers() {
    }

    /** Parses a size such as 128M, 64K, 4096 or 0x1000; null if it is not one. */
    public static Long parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        long multiplier = 1;
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            multiplier = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long value;
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("0x")) {
                if (lower.length() == 2) {
                    return null;
                }
                value = Long.parseUnsignedLong(lower.substring(2), 16);
            } else {
                if (!lower.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                value = Long.parseLong(lower);
            }
            return Math.multiplyExact(value, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Parses a size given as a command-line argument; IllegalArgumentException names it. */
    public static long parseArgument(String argument, String text) {
        Long v = parse(text);
        if (v == null || v <= 0) {
            throw new IllegalArgumentException(argument + ": '" + text
                    + "' is not a size (use bytes or K/M/G, e.g. 256M)");
        }
        return v;
    }

    /** 0x-prefixed lower-case hex, as C wants it. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A human size: 512 B, 23.1 KiB, 1.5 MiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes / 1024.0;
        String unit = "KiB";
        if (v >= 1024) {
            v /= 1024;
            unit = "MiB";
        }
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v)) + " " + unit;
    }
}
