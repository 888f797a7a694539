package dev.mote.sdk.image;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** An Ed25519 private key: signs image headers. Generate, read and write it with {@link Keys}. */
public final class SigningKey {
    private final Ed25519PrivateKeyParameters key;
    private final VerifyKey publicKey;

    SigningKey(Ed25519PrivateKeyParameters key) {
        this.key = key;
        this.publicKey = new VerifyKey(key.generatePublicKey().getEncoded());
    }

    /** A new random key. */
    public static SigningKey generate() {
        return new SigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** From the raw 32-byte seed (RFC 8032 private key). */
    public static SigningKey fromSeed(byte[] seed) {
        if (seed == null || seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("private key: an Ed25519 seed is 32 bytes");
        }
        return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public VerifyKey publicKey() {
        return publicKey;
    }

    /** The raw 32-byte seed; handle with care. */
    byte[] seed() {
        return key.getEncoded();
    }

    /** The 64-byte Ed25519 (pure, RFC 8032) signature of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    @Override
    public String toString() {
        return "SigningKey[" + publicKey.shortId() + "]";
    }
}
