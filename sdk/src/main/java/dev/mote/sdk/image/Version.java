package dev.mote.sdk.image;

/**
 * An app version as the image header stores it: three unsigned 32-bit numbers,
 * MAJOR.MINOR.PATCH. It is informational (fleet dashboards, `mote inspect`); what stops a
 * downgrade is the security counter, not this.
 */
public record Version(long major, long minor, long patch) implements Comparable<Version> {
    public static final Version ZERO = new Version(0, 0, 0);
    static final long MAX = 0xffff_ffffL;

    public Version {
        if (major < 0 || major > MAX || minor < 0 || minor > MAX || patch < 0 || patch > MAX) {
            throw new IllegalArgumentException("version: each part must be 0.." + MAX + ", got "
                    + major + "." + minor + "." + patch);
        }
    }

    /** Parses "1.2.3"; IllegalArgumentException naming {@code argument} if it is not that shape. */
    public static Version parse(String argument, String text) {
        if (text == null || !text.matches("\\d{1,10}\\.\\d{1,10}\\.\\d{1,10}")) {
            throw new IllegalArgumentException(argument + ": '" + text + "' is not a version MAJOR.MINOR.PATCH"
                    + " (e.g. 1.4.0)");
        }
        String[] p = text.split("\\.");
        long major = Long.parseLong(p[0]);
        long minor = Long.parseLong(p[1]);
        long patch = Long.parseLong(p[2]);
        if (major > MAX || minor > MAX || patch > MAX) {
            throw new IllegalArgumentException(argument + ": '" + text + "' has a part above " + MAX);
        }
        return new Version(major, minor, patch);
    }

    @Override
    public int compareTo(Version o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        return c != 0 ? c : Long.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
