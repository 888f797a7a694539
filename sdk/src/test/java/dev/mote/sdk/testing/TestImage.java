package dev.mote.sdk.testing;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SignatureBlock;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * Signed images for tests, made with the SDK's own format code and no toolchain: the one image
 * fixture of every module. Every field has a default, so a test names only what it is about:
 * <pre>
 * Image img = TestImage.arm().counter(3).randomPayload(200_000, 7).sign(TestKeys.KEY);
 * byte[] bytes = TestImage.of("qemu-virt-arm64").version("1.1.0").totalSize(64 << 10, 1).bytes();
 * </pre>
 * Defaults: ARM64, loaded and entered at 0x40180000 (qemu-virt-arm64's load.address), or for a
 * profile whose name ends in "x86_64" x86_64 at 0x180000 (qemu-microvm-x86_64's), version 1.0.0,
 * security counter 0, app "hello", 1000 pseudo-random payload bytes, signed with
 * {@link TestKeys#KEY}. Any field may be set to what no device accepts (the hostile headers of
 * {@link HeaderVectors}): only parsing refuses them.
 */
public final class TestImage {
    public static final String ARM = "qemu-virt-arm64";
    public static final long LOAD = 0x40180000L;
    /** qemu-microvm-x86_64's load.address. */
    public static final long LOAD_X86 = 0x180000L;
    /** Header and signature block: an image is this many bytes more than its payload. */
    public static final int OVERHEAD = ImageHeader.SIZE + SignatureBlock.SIZE;

    private final String profile;
    private Arch arch = Arch.ARM64;
    private long load = LOAD;
    private Long entry;
    private Version version = new Version(1, 0, 0);
    private long counter;
    private String app = "hello";
    private byte[] payload = random(1000, 0);

    private TestImage(String profile) {
        this.profile = profile;
        if (profile.endsWith("x86_64")) {
            arch = Arch.X86_64;
            load = LOAD_X86;
        }
    }

    /** An image for {@code profile} (the header's name only: no profile file is read). */
    public static TestImage of(String profile) {
        return new TestImage(profile);
    }

    /** An image for qemu-virt-arm64, the board most tests use. */
    public static TestImage arm() {
        return of(ARM);
    }

    public TestImage arch(Arch a) {
        this.arch = a;
        return this;
    }

    /** Load address; the entry point follows it unless {@link #entry} sets one. */
    public TestImage load(long address) {
        this.load = address;
        return this;
    }

    public TestImage entry(long address) {
        this.entry = address;
        return this;
    }

    public TestImage version(Version v) {
        this.version = v;
        return this;
    }

    /** MAJOR.MINOR.PATCH. */
    public TestImage version(String v) {
        return version(Version.parse("version", v));
    }

    public TestImage counter(long securityCounter) {
        this.counter = securityCounter;
        return this;
    }

    public TestImage app(String name) {
        this.app = name;
        return this;
    }

    public TestImage payload(byte[] bytes) {
        this.payload = bytes;
        return this;
    }

    /** {@code size} bytes of {@link #random}({@code size}, {@code seed}). */
    public TestImage randomPayload(int size, long seed) {
        return payload(random(size, seed));
    }

    /** A random payload that makes the whole image (header + payload + signature) {@code bytes} long. */
    public TestImage totalSize(int bytes, long seed) {
        return randomPayload(bytes - OVERHEAD, seed);
    }

    /** The header this image gets: every field as set, the payload's SHA-256. */
    public ImageHeader header() {
        return new ImageHeader(arch, payload.length, load, entry == null ? load : entry, version, counter, profile,
                app, sha256(payload));
    }

    public Image sign(SigningKey key) {
        return Image.sign(header(), payload, key);
    }

    public Image sign() {
        return sign(TestKeys.KEY);
    }

    /** The signed image's bytes (signed with {@link TestKeys#KEY}). */
    public byte[] bytes() {
        return sign().toBytes();
    }

    /** Signs it with {@code key} and writes it to {@code file}; returns {@code file}. */
    public Path write(Path file, SigningKey key) throws IOException {
        sign(key).write(file);
        return file;
    }

    public Path write(Path file) throws IOException {
        return write(file, TestKeys.KEY);
    }

    /** {@code size} bytes of a fixed pseudo-random sequence ({@link Random} seeded with {@code seed}). */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
