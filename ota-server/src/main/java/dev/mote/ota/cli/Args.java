package dev.mote.ota.cli;

/**
 * The option values the OTA commands parse: whole numbers, ports, times and shares. Each throws
 * IllegalArgumentException naming the option and what it wants (the Dispatcher prints it as a
 * usage error).
 */
final class Args {
    private Args() {
    }

    /** A whole number >= {@code min}. */
    static int whole(String what, String v, int min) {
        return inRange(what, v, min, Integer.MAX_VALUE, "a whole number >= " + min);
    }

    /** A TCP port, 0 (any free one) to 65535. */
    static int port(String what, String v) {
        return inRange(what, v, 0, 65535, "a port (0-65535)");
    }

    private static int inRange(String what, String v, int min, int max, String wanted) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(what + ": '" + v + "' is not " + wanted);
    }

    /** Longest time any option takes unless it says otherwise: 10 years, far from overflowing in ms. */
    static final long MAX_SECONDS = 10L * 366 * 24 * 3600;

    /** "90", "90s", "30m", "2h" to seconds (1 to {@link #MAX_SECONDS}). */
    static long seconds(String what, String v) {
        return seconds(what, v, MAX_SECONDS);
    }

    /** "90", "90s", "30m", "2h" to seconds, 1 to {@code max}: checked before it is multiplied. */
    static long seconds(String what, String v, long max) {
        String t = v.trim();
        long unit = 1;
        if (t.endsWith("s") || t.endsWith("m") || t.endsWith("h")) {
            unit = t.endsWith("h") ? 3600 : t.endsWith("m") ? 60 : 1;
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = t.matches("[0-9]{1,19}") ? Long.parseLong(t) : -1;
        } catch (NumberFormatException tooLong) {
            n = Long.MAX_VALUE;
        }
        if (n >= 1 && n > max / unit) {
            throw new IllegalArgumentException(what + ": '" + v + "' is above the most allowed, " + max + "s"
                    + (max % 86400 == 0 ? " (" + max / 86400 + " days)" : ""));
        }
        if (n >= 1) {
            return n * unit;
        }
        throw new IllegalArgumentException(what + ": '" + v + "' is not a time like 90s, 30m or 2h");
    }

    /** "95%" or "0.95" to 0.95. */
    static double fraction(String what, String v) {
        try {
            double f = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
            if (f >= 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(what + ": '" + v + "' is not a share like 95% or 0.95");
    }
}
