package dev.mote.flasher.protocol;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Signed images for the transfer tests, with a fixed test key. */
final class TestImages {
    static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);
    static final String PROFILE = "qemu-virt-arm64";

    private TestImages() {
    }

    /** A signed image of exactly {@code totalSize} bytes (header + payload + signature). */
    static Image image(int totalSize, String profile, long securityCounter, long seed) {
        return image(totalSize, profile, securityCounter, seed, KEY);
    }

    /** The same, signed with {@code key}. */
    static Image image(int totalSize, String profile, long securityCounter, long seed, SigningKey key) {
        byte[] payload = new byte[totalSize - ImageHeader.SIZE - 104];
        new Random(seed).nextBytes(payload);
        ImageHeader h = new ImageHeader(Arch.ARM64, payload.length, 0x40200000L, 0x40200000L, new Version(1, 2, 0),
                securityCounter, profile, "hello", sha256(payload));
        return Image.sign(h, payload, key);
    }

    /**
     * A signed image whose payload compresses, as code does: 8-byte words drawn from a
     * dictionary of 64, so LZ4 finds matches in every frame.
     */
    static TransferImage compressible(int totalSize, long securityCounter, long seed) {
        Random r = new Random(seed);
        byte[][] words = new byte[64][8];
        for (byte[] w : words) {
            r.nextBytes(w);
        }
        byte[] payload = new byte[totalSize - ImageHeader.SIZE - 104];
        for (int i = 0; i < payload.length; i += 8) {
            System.arraycopy(words[r.nextInt(words.length)], 0, payload, i, Math.min(8, payload.length - i));
        }
        ImageHeader h = new ImageHeader(Arch.ARM64, payload.length, 0x40200000L, 0x40200000L, new Version(1, 2, 0),
                securityCounter, PROFILE, "hello", sha256(payload));
        return TransferImage.of(Image.sign(h, payload, KEY));
    }

    static TransferImage transfer(int totalSize, long securityCounter, long seed) {
        return TransferImage.of(image(totalSize, PROFILE, securityCounter, seed));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
