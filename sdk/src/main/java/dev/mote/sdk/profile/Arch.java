package dev.mote.sdk.profile;

import java.util.Locale;

/** A CPU architecture Mote builds for; the keyword is the one profiles and the SDK layout use. */
public enum Arch {
    ARM64("arm64", "aarch64"),
    X86_64("x86_64", "x86_64");

    private final String keyword;
    private final String hostName;

    Arch(String keyword, String hostName) {
        this.keyword = keyword;
        this.hostName = hostName;
    }

    /** The name in profiles and in the SDK directory layout: arm64, x86_64. */
    public String keyword() {
        return keyword;
    }

    /** The GNU/QEMU name: aarch64, x86_64. */
    public String gnuName() {
        return hostName;
    }

    /** The architecture with this keyword, or null. */
    public static Arch fromKeyword(String keyword) {
        for (Arch a : values()) {
            if (a.keyword.equals(keyword)) {
                return a;
            }
        }
        return null;
    }

    /** The architecture of the JVM's host, or null if Mote has no port for it. */
    public static Arch host() {
        String os = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (os) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return ARM64;
            default:
                return null;
        }
    }
}
