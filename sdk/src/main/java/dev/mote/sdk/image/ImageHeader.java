package dev.mote.sdk.image;

import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.profile.Arch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 256-byte image header of docs/image-format.md: everything a device must trust, and the
 * exact bytes the Ed25519 signature covers. format_version (1), header_size (256) and flags (0)
 * are constants of this format version, so they are checked by {@link #parse} and written by
 * {@link #serialize} but not stored.
 *
 * @param payloadSize     payload bytes, unsigned 32-bit
 * @param loadAddress     where the payload's first byte goes
 * @param entryPoint      where execution starts
 * @param securityCounter anti-rollback counter, unsigned 32-bit
 * @param profile         device profile name, 1..31 printable ASCII characters
 * @param appName         app name, 1..31 printable ASCII characters
 * @param payloadSha256   SHA-256 of the payload, 32 bytes
 */
public record ImageHeader(Arch arch, long payloadSize, long loadAddress, long entryPoint, Version version,
        long securityCounter, String profile, String appName, byte[] payloadSha256) {
    public static final int SIZE = 256;
    public static final int MAGIC = 0x45544f4d; // "MOTE" read little-endian
    public static final int FORMAT_VERSION = 1;
    public static final int FLAGS = 0;
    /** Longest profile or app name: the 32-byte field always keeps a terminating NUL. */
    public static final int MAX_NAME = 31;
    static final int OFF_PROFILE = 0x30;
    static final int OFF_APP_NAME = 0x50;
    static final int OFF_SHA256 = 0x70;
    static final int OFF_RESERVED = 0x90;

    public ImageHeader {
        if (arch == null || version == null) {
            throw new IllegalArgumentException("arch and version: required");
        }
        if (payloadSize < 0 || payloadSize > Version.MAX) {
            throw new IllegalArgumentException("payload size: must fit 32 bits, got " + payloadSize);
        }
        if (securityCounter < 0 || securityCounter > Version.MAX) {
            throw new IllegalArgumentException("security counter: must be 0.." + Version.MAX + ", got "
                    + securityCounter);
        }
        checkName("profile", profile);
        checkName("app name", appName);
        if (payloadSha256 == null || payloadSha256.length != 32) {
            throw new IllegalArgumentException("payload SHA-256: must be 32 bytes");
        }
        payloadSha256 = payloadSha256.clone();
    }

    private static void checkName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(what + ": '" + name + "' must be 1.." + MAX_NAME
                    + " printable ASCII characters");
        }
    }

    /** The architecture code in the header: 1 = arm64, 2 = x86_64. */
    public static int archCode(Arch arch) {
        return arch == Arch.ARM64 ? 1 : 2;
    }

    @Override
    public byte[] payloadSha256() {
        return payloadSha256.clone();
    }

    public String payloadSha256Hex() {
        return HexFormat.of().formatHex(payloadSha256);
    }

    public ImageHeader withVersion(Version v) {
        return new ImageHeader(arch, payloadSize, loadAddress, entryPoint, v, securityCounter, profile, appName,
                payloadSha256);
    }

    public ImageHeader withSecurityCounter(long counter) {
        return new ImageHeader(arch, payloadSize, loadAddress, entryPoint, version, counter, profile, appName,
                payloadSha256);
    }

    /** The 256 bytes that are signed. */
    public byte[] serialize() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00, MAGIC).putShort(0x04, (short) FORMAT_VERSION).putShort(0x06, (short) SIZE)
                .putShort(0x08, (short) archCode(arch)).putShort(0x0a, (short) FLAGS)
                .putInt(0x0c, (int) payloadSize).putLong(0x10, loadAddress).putLong(0x18, entryPoint)
                .putInt(0x20, (int) version.major()).putInt(0x24, (int) version.minor())
                .putInt(0x28, (int) version.patch()).putInt(0x2c, (int) securityCounter);
        b.put(OFF_PROFILE, profile.getBytes(StandardCharsets.US_ASCII));
        b.put(OFF_APP_NAME, appName.getBytes(StandardCharsets.US_ASCII));
        b.put(OFF_SHA256, payloadSha256);
        return b.array();
    }

    /**
     * Parses the first 256 bytes of {@code data} (which must hold at least that many), running
     * check 2 of docs/image-format.md: magic, format version, header size, reserved bytes, the
     * shape of every field, and the header rules on the numbers ({@link #brokenRule}).
     */
    public static ImageHeader parse(byte[] data) {
        if (data.length < SIZE) {
            throw new ImageException(Reason.TRUNCATED, "truncated at byte " + data.length
                    + " (the header alone is " + SIZE + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0x00) != MAGIC) {
            throw new ImageException(Reason.BAD_MAGIC, "bad magic");
        }
        int format = Short.toUnsignedInt(b.getShort(0x04));
        if (format != FORMAT_VERSION) {
            throw new ImageException(Reason.UNSUPPORTED_VERSION, "unsupported format version " + format);
        }
        int headerSize = Short.toUnsignedInt(b.getShort(0x06));
        if (headerSize != SIZE) {
            throw bad("header_size is " + headerSize + ", expected " + SIZE);
        }
        for (int i = OFF_RESERVED; i < SIZE; i++) {
            if (data[i] != 0) {
                throw bad("reserved byte at offset 0x" + Integer.toHexString(i) + " is not zero");
            }
        }
        int archCode = Short.toUnsignedInt(b.getShort(0x08));
        Arch arch = archCode == 1 ? Arch.ARM64 : archCode == 2 ? Arch.X86_64 : null;
        if (arch == null) {
            throw bad("unknown arch " + archCode);
        }
        int flags = Short.toUnsignedInt(b.getShort(0x0a));
        if (flags != FLAGS) {
            throw bad("flags are 0x" + Integer.toHexString(flags) + ", expected 0");
        }
        Version version = new Version(Integer.toUnsignedLong(b.getInt(0x20)), Integer.toUnsignedLong(b.getInt(0x24)),
                Integer.toUnsignedLong(b.getInt(0x28)));
        ImageHeader h = new ImageHeader(arch, Integer.toUnsignedLong(b.getInt(0x0c)), b.getLong(0x10),
                b.getLong(0x18), version, Integer.toUnsignedLong(b.getInt(0x2c)), name(data, OFF_PROFILE, "profile"),
                name(data, OFF_APP_NAME, "app_name"), Arrays.copyOfRange(data, OFF_SHA256, OFF_SHA256 + 32));
        String broken = h.brokenRule();
        if (broken != null) {
            throw bad(broken);
        }
        return h;
    }

    /**
     * The header rules on the numbers (docs/image-format.md, "Header rules"), the same as the
     * bootloader's image_parse_header (kernel/update/image.c; both are held to
     * kernel/test/vectors/image-headers.txt): a non-empty payload, a load range
     * [load_address, load_address + payload_size) that does not wrap past 2^64 (all unsigned),
     * and the entry point inside it. Returns null, or the rule broken ("payload is empty", ...).
     * {@link #parse} refuses a header that breaks one; the constructor does not, so tests can
     * build hostile images.
     */
    public String brokenRule() {
        if (payloadSize == 0) {
            return "payload is empty";
        }
        if (Long.compareUnsigned(loadAddress, -1L - payloadSize) > 0) {
            return "load range wraps past the end of the address space";
        }
        if (Long.compareUnsigned(entryPoint, loadAddress) < 0
                || Long.compareUnsigned(entryPoint - loadAddress, payloadSize) >= 0) {
            return "entry point outside the payload";
        }
        return null;
    }

    /** A NUL-padded ASCII field: printable characters, then only NULs, at least one of them. */
    private static String name(byte[] data, int off, String field) {
        int len = 0;
        while (len < 32 && data[off + len] != 0) {
            int c = data[off + len];
            if (c < 0x20 || c >= 0x7f) {
                throw bad(field + " is not printable ASCII (byte 0x" + Integer.toHexString(c & 0xff)
                        + " at offset 0x" + Integer.toHexString(off + len) + ")");
            }
            len++;
        }
        if (len == 0 || len > MAX_NAME) {
            throw bad(field + (len == 0 ? " is empty" : " has no terminating NUL"));
        }
        for (int i = off + len; i < off + 32; i++) {
            if (data[i] != 0) {
                throw bad(field + " is not NUL-padded (byte at offset 0x" + Integer.toHexString(i) + ")");
            }
        }
        return new String(data, off, len, StandardCharsets.US_ASCII);
    }

    private static ImageException bad(String detail) {
        return new ImageException(Reason.BAD_HEADER, "bad header: " + detail);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageHeader h && Arrays.equals(serialize(), h.serialize());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(serialize());
    }

    @Override
    public String toString() {
        return "ImageHeader[" + appName + " " + version + " for " + profile + " (" + arch.keyword()
                + "), counter " + securityCounter + ", " + payloadSize + " bytes at 0x"
                + Long.toHexString(loadAddress) + ", entry 0x" + Long.toHexString(entryPoint) + ", sha256 "
                + payloadSha256Hex() + "]";
    }
}
