package dev.mote.sdk.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 public key: checks signatures. Its key id, which an image's signature block names,
 * is the SHA-256 of the raw 32-byte key. Read and write it with {@link Keys}.
 */
public final class VerifyKey {
    private final byte[] raw;
    private final byte[] keyId;

    /** From the raw 32-byte key (RFC 8032 encoding). */
    public VerifyKey(byte[] raw) {
        if (raw == null || raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("public key: an Ed25519 key is 32 bytes, got "
                    + (raw == null ? "none" : raw.length));
        }
        this.raw = raw.clone();
        this.keyId = sha256(raw);
    }

    /** The raw 32-byte key. */
    public byte[] raw() {
        return raw.clone();
    }

    /** SHA-256 of the raw key: the key_id in a signature block. */
    public byte[] keyId() {
        return keyId.clone();
    }

    /** The key id as 64 lowercase hex digits. */
    public String keyIdHex() {
        return HexFormat.of().formatHex(keyId);
    }

    /** The first 16 hex digits of the key id, for messages. */
    public String shortId() {
        return keyIdHex().substring(0, 16);
    }

    /** Whether {@code signature} is this key's Ed25519 (pure) signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(raw, 0));
        v.update(message, 0, message.length);
        return v.verifySignature(signature);
    }

    static byte[] sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    static byte[] sha256(byte[] data, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, offset, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyKey k && Arrays.equals(raw, k.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "VerifyKey[" + shortId() + "]";
    }
}
