package dev.mote.sdk.image;

import dev.mote.sdk.image.ImageException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 104-byte signature block after the payload: which key signed (key_id) and the Ed25519
 * signature of the 256-byte header.
 */
public record SignatureBlock(byte[] keyId, byte[] signature) {
    public static final int SIZE = 104;
    public static final int MAGIC = 0x4749534d; // "MSIG" read little-endian
    public static final int ALG_ED25519 = 1;
    public static final int SIGNATURE_SIZE = 64;

    public SignatureBlock {
        if (keyId == null || keyId.length != 32 || signature == null || signature.length != SIGNATURE_SIZE) {
            throw new IllegalArgumentException("signature block: key id must be 32 bytes and signature 64");
        }
        keyId = keyId.clone();
        signature = signature.clone();
    }

    /** Signs {@code header} with {@code key}. */
    public static SignatureBlock sign(ImageHeader header, SigningKey key) {
        return new SignatureBlock(key.publicKey().keyId(), key.sign(header.serialize()));
    }

    @Override
    public byte[] keyId() {
        return keyId.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public String keyIdHex() {
        return HexFormat.of().formatHex(keyId);
    }

    public byte[] serialize() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC).putShort(4, (short) ALG_ED25519).putShort(6, (short) SIGNATURE_SIZE);
        b.put(8, keyId).put(40, signature);
        return b.array();
    }

    /** Parses the block at {@code off} in {@code data} (check 4: magic and algorithm). */
    public static SignatureBlock parse(byte[] data, int off) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(off) != MAGIC) {
            throw new ImageException(Reason.BAD_SIGNATURE_BLOCK, "bad signature block: no MSIG magic at byte " + off);
        }
        int alg = Short.toUnsignedInt(b.getShort(off + 4));
        int size = Short.toUnsignedInt(b.getShort(off + 6));
        if (alg != ALG_ED25519 || size != SIGNATURE_SIZE) {
            throw new ImageException(Reason.BAD_SIGNATURE_BLOCK, "bad signature block: algorithm " + alg
                    + " with a " + size + "-byte signature (only 1 = Ed25519, 64 bytes, is known)");
        }
        return new SignatureBlock(Arrays.copyOfRange(data, off + 8, off + 40), Arrays.copyOfRange(data, off + 40,
                off + SIZE));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignatureBlock s && Arrays.equals(serialize(), s.serialize());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(serialize());
    }

    @Override
    public String toString() {
        return "SignatureBlock[key " + keyIdHex() + "]";
    }
}
