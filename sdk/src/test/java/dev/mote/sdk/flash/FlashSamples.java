package dev.mote.sdk.flash;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Signed test images for the flash tests, made without a toolchain. */
final class FlashSamples {
    static final SigningKey KEY = SigningKey.generate();

    private FlashSamples() {
    }

    /** A signed image of {@code payloadSize} pseudo-random bytes for {@code profile}. */
    static Image image(String profile, String app, long counter, int payloadSize) {
        byte[] payload = new byte[payloadSize];
        new Random(payloadSize + counter).nextBytes(payload);
        try {
            ImageHeader h = new ImageHeader(Arch.ARM64, payload.length, 0x40180000L, 0x40180000L,
                    new Version(1, 0, counter), counter, profile, app,
                    MessageDigest.getInstance("SHA-256").digest(payload));
            return Image.sign(h, payload, KEY);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
