package dev.mote.ota.sim;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Real signed images, made with the SDK (no toolchain needed), for the simulator's tests and benchmarks. */
public final class SignedImages {
    public static final String PROFILE = "qemu-virt-arm64";

    private SignedImages() {
    }

    /** A signed image with a pseudo-random payload of {@code payloadSize} bytes. */
    public static byte[] image(SigningKey key, String profile, String version, long counter, int payloadSize) {
        byte[] payload = new byte[payloadSize];
        new Random(version.hashCode() * 31L + counter + payloadSize).nextBytes(payload);
        ImageHeader h = new ImageHeader(Arch.ARM64, payload.length, 0x40100000L, 0x40100040L,
                Version.parse("version", version), counter, profile, "hello", sha256(payload));
        return Image.sign(h, payload, key).toBytes();
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
