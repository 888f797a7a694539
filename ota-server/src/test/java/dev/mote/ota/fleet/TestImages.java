package dev.mote.ota.fleet;

import dev.mote.ota.sim.SignedImages;
import dev.mote.sdk.image.SigningKey;

/** Real signed images for the fleet tests: SignedImages with one key for the whole suite. */
final class TestImages {
    static final String PROFILE = SignedImages.PROFILE;
    static final SigningKey KEY = SigningKey.generate();

    private TestImages() {
    }

    static byte[] image(SigningKey key, String profile, String version, long counter, int payloadSize) {
        return SignedImages.image(key, profile, version, counter, payloadSize);
    }

    static byte[] image(String version, long counter) {
        return image(KEY, PROFILE, version, counter, 40_000);
    }

    static byte[] sha256(byte[] data) {
        return SignedImages.sha256(data);
    }
}
