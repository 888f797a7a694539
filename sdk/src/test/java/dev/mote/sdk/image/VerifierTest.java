package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.testing.TestImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifierTest {
    private static final SigningKey KEY = SigningKey.generate();
    private static final SigningKey OTHER = SigningKey.generate();
    private static final Verifier TRUSTING = new Verifier(List.of(OTHER.publicKey(), KEY.publicKey()));

    private static ImageException refuse(Verifier v, byte[] bytes) {
        return assertThrows(ImageException.class, () -> v.verify(bytes));
    }

    @Test
    void aGoodImageVerifiesAndNamesItsSigner() {
        Image img = TestImage.arm().counter(7).sign(KEY);
        assertSame(KEY.publicKey(), TRUSTING.verify(img));
        assertEquals(img.header(), TRUSTING.verify(img.toBytes()).header());
        TRUSTING.expectProfile("qemu-virt-arm64").minSecurityCounter(7).verify(img);
    }

    /** Header bytes a device trusts: sizes, addresses, version, counter, names, the hash. */
    @ParameterizedTest
    @ValueSource(ints = {0x0c, 0x10, 0x18, 0x20, 0x2c, 0x30, 0x50, 0x70, 0x8f})
    void aBitFlipInTheHeaderBreaksTheSignature(int offset) {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[offset] ^= 0x01;
        if (offset == 0x0c) {
            // payload_size changes the file size the header implies: refused before any key is used
            assertEquals(Reason.TRUNCATED, refuse(TRUSTING, bytes).reason());
            return;
        }
        if (offset == 0x10) {
            // load_address moves past the entry point: a header rule, refused before any key is used
            ImageException e = refuse(TRUSTING, bytes);
            assertEquals(Reason.BAD_HEADER, e.reason());
            assertEquals("bad header: entry point outside the payload", e.getMessage());
            return;
        }
        ImageException e = refuse(TRUSTING, bytes);
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
        assertEquals("bad signature", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 256 + 1, 256 + 500, 256 + 999})
    void aBitFlipInThePayloadIsAHashMismatch(int offset) {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[offset] ^= 0x80;
        ImageException e = refuse(TRUSTING, bytes);
        assertEquals(Reason.HASH_MISMATCH, e.reason());
        assertTrue(e.getMessage().startsWith("hash mismatch: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1256 + 40, 1256 + 70, 1256 + 103})
    void aBitFlipInTheSignatureIsABadSignature(int offset) {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[offset] ^= 0x04;
        assertEquals(Reason.BAD_SIGNATURE, refuse(TRUSTING, bytes).reason());
    }

    @Test
    void aBitFlipInTheKeyIdIsAnUnknownKey() {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[1256 + 8] ^= 0x01;
        assertEquals(Reason.UNKNOWN_KEY, refuse(TRUSTING, bytes).reason());
    }

    @Test
    void anUntrustedKeyIsNamedByItsId() {
        Image img = TestImage.arm().counter(7).sign(SigningKey.generate());
        ImageException e = assertThrows(ImageException.class, () -> TRUSTING.verify(img));
        assertEquals(Reason.UNKNOWN_KEY, e.reason());
        assertEquals("unknown key id " + img.signature().keyIdHex() + " (trusted: " + OTHER.publicKey().shortId()
                + ", " + KEY.publicKey().shortId() + ")", e.getMessage());
    }

    @Test
    void theRightKeyIdWithAnotherKeysSignatureIsABadSignature() {
        Image img = TestImage.arm().counter(7).sign(KEY);
        byte[] forged = OTHER.sign(img.header().serialize());
        Image lying = new Image(img.header(), img.payload(), new SignatureBlock(KEY.publicKey().keyId(), forged));
        ImageException e = assertThrows(ImageException.class, () -> TRUSTING.verify(lying));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void aProfileMismatchSaysBoth() {
        ImageException e = assertThrows(ImageException.class,
                () -> TRUSTING.expectProfile("qemu-microvm-x86_64").verify(TestImage.arm().counter(7).sign(KEY)));
        assertEquals(Reason.PROFILE_MISMATCH, e.reason());
        assertEquals("profile mismatch: image is for qemu-virt-arm64, device is qemu-microvm-x86_64", e.getMessage());
    }

    @Test
    void aLowerSecurityCounterIsADowngrade() {
        ImageException e = assertThrows(ImageException.class,
                () -> TRUSTING.minSecurityCounter(8).verify(TestImage.arm().counter(7).sign(KEY)));
        assertEquals(Reason.DOWNGRADE, e.reason());
        assertEquals("downgrade: security counter 7 < 8", e.getMessage());
    }

    @Test
    void checkPolicyIsTheProfileAndCounterChecksAlone() {
        Image img = TestImage.arm().counter(7).sign(KEY);
        TRUSTING.expectProfile("qemu-virt-arm64").minSecurityCounter(7).checkPolicy(img.header());
        assertEquals("downgrade: security counter 7 < 8", assertThrows(ImageException.class,
                () -> TRUSTING.minSecurityCounter(8).checkPolicy(img.header())).getMessage());
        assertEquals(Reason.PROFILE_MISMATCH, assertThrows(ImageException.class,
                () -> TRUSTING.expectProfile("x").checkPolicy(img.header())).reason());
        // no key, signature or hash: a header of an untrusted image passes
        TRUSTING.checkPolicy(TestImage.arm().counter(7).sign(SigningKey.generate()).header());
    }

    @Test
    void checksRunInTheDocumentedOrder() {
        // Untrusted key and wrong profile: the key is checked first.
        Image img = TestImage.arm().counter(7).sign(SigningKey.generate());
        assertEquals(Reason.UNKNOWN_KEY, assertThrows(ImageException.class,
                () -> TRUSTING.expectProfile("x").verify(img)).reason());
        // Bad signature and bad hash: the signature is checked first.
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[0x20] ^= 1;
        bytes[300] ^= 1;
        assertEquals(Reason.BAD_SIGNATURE, refuse(TRUSTING, bytes).reason());
    }

    @Test
    void needsAtLeastOneKey() {
        assertThrows(IllegalArgumentException.class, () -> new Verifier(List.of()));
        assertThrows(IllegalArgumentException.class, () -> TRUSTING.minSecurityCounter(-1));
    }
}
