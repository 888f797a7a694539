package dev.mote.sdk.testing;

import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.VerifyKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Signing keys for tests: one fixed key the whole suite trusts, and strangers nobody trusts. */
public final class TestKeys {
    /** The suite's key: the same every run (seed of 32 zero bytes), so failures reproduce. */
    public static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);

    private TestKeys() {
    }

    /** The public half of {@link #KEY}, as a trusted-key list. */
    public static List<VerifyKey> trusted() {
        return List.of(KEY.publicKey());
    }

    /** A fresh key that nothing trusts. */
    public static SigningKey stranger() {
        return SigningKey.generate();
    }

    /** Writes {@code key} as PREFIX.key and PREFIX.pub (PEM, as `mote keygen` does); returns PREFIX.pub. */
    public static Path write(SigningKey key, Path prefix) throws IOException {
        Path pub = Path.of(prefix + ".pub");
        Keys.writePrivate(Path.of(prefix + ".key"), key, null);
        Keys.writePublic(pub, key.publicKey());
        return pub;
    }
}
