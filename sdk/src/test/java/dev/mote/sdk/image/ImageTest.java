package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageTest {
    private static final SigningKey KEY = SigningKey.generate();

    @TempDir
    Path tmp;

    @Test
    void bytesRoundTrip() {
        Image img = TestImage.arm().counter(7).sign(KEY);
        byte[] bytes = img.toBytes();
        assertEquals(256 + 1000 + 104, bytes.length);
        assertEquals(bytes.length, img.size());
        Image back = Image.parse(bytes);
        assertEquals(img.header(), back.header());
        assertArrayEquals(img.payload(), back.payload());
        assertEquals(img.signature(), back.signature());
        assertArrayEquals(bytes, back.toBytes());
        assertTrue(back.hashMatches());
    }

    @Test
    void wrapReadsThePayloadFromTheArrayItWasGiven() {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        Image wrapped = Image.wrap(bytes);
        assertArrayEquals(Image.parse(bytes).payload(), wrapped.payload());
        assertArrayEquals(bytes, wrapped.toBytes());
        assertEquals(bytes.length, wrapped.size());
        assertTrue(wrapped.hashMatches());
        bytes[300] ^= 1; // what the contract forbids, to show there is no copy
        assertFalse(wrapped.hashMatches());
        assertThrows(ImageException.class, () -> Image.wrap(Arrays.copyOf(bytes, 300)));
    }

    /** The bootloader refuses an empty payload (no entry point can lie in it): so does every host tool. */
    @Test
    void anEmptyPayloadIsRefused() {
        Image img = TestImage.arm().counter(7).payload(new byte[0]).sign(KEY);
        assertEquals(Image.MIN_SIZE, img.toBytes().length);
        ImageException e = assertThrows(ImageException.class, () -> Image.parse(img.toBytes()));
        assertEquals(Reason.BAD_HEADER, e.reason());
        assertEquals("bad header: payload is empty", e.getMessage());
    }

    /** Cut points: inside the header, at its end, in the payload, inside the signature block. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, 255, 256, 300, 359, 360, 1255, 1256, 1300, 1359})
    void truncationNamesTheByte(int length) {
        byte[] cut = Arrays.copyOf(TestImage.arm().counter(7).sign(KEY).toBytes(), length);
        ImageException e = assertThrows(ImageException.class, () -> Image.parse(cut));
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().startsWith("truncated at byte " + length + " ("), e.getMessage());
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] longer = Arrays.copyOf(TestImage.arm().counter(7).sign(KEY).toBytes(), 1360 + 5);
        ImageException e = assertThrows(ImageException.class, () -> Image.parse(longer));
        assertEquals(Reason.TRAILING_BYTES, e.reason());
        assertEquals("trailing bytes: 5 after the signature block, which ends at byte 1360", e.getMessage());
    }

    @Test
    void aBrokenSignatureBlockIsNamed() {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[1256] = 'X';
        ImageException e = assertThrows(ImageException.class, () -> Image.parse(bytes));
        assertEquals(Reason.BAD_SIGNATURE_BLOCK, e.reason());
        assertEquals("bad signature block: no MSIG magic at byte 1256", e.getMessage());
        byte[] other = TestImage.arm().counter(7).sign(KEY).toBytes();
        other[1256 + 4] = 2;
        assertEquals(Reason.BAD_SIGNATURE_BLOCK, assertThrows(ImageException.class, () -> Image.parse(other))
                .reason());
    }

    @Test
    void anElfIsNotAnImage() {
        byte[] elf = Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F'}, 4096);
        ImageException e = assertThrows(ImageException.class, () -> Image.parse(elf));
        assertEquals(Reason.BAD_MAGIC, e.reason());
        assertFalse(Image.looksLikeImage(elf));
        assertTrue(Image.looksLikeImage(TestImage.arm().counter(7).sign(KEY).toBytes()));
    }

    @Test
    void hashMatchesIsFalseForAChangedPayload() {
        byte[] bytes = TestImage.arm().counter(7).sign(KEY).toBytes();
        bytes[256 + 500] ^= 1;
        assertFalse(Image.parse(bytes).hashMatches());
    }

    @Test
    void writesAndReadsFiles() throws IOException {
        Image img = TestImage.arm().counter(7).sign(KEY);
        Path file = tmp.resolve("sub/hello.img");
        img.write(file);
        assertArrayEquals(img.toBytes(), Files.readAllBytes(file));
        assertEquals(img.header(), Image.read(file).header());
        IOException e = assertThrows(IOException.class, () -> Image.read(tmp.resolve("nope.img")));
        assertTrue(e.getMessage().endsWith("nope.img' does not exist"), e.getMessage());
        try (var s = Files.list(tmp.resolve("sub"))) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void resignKeepsHeaderAndPayload() {
        Image img = TestImage.arm().counter(7).sign(KEY);
        SigningKey other = SigningKey.generate();
        Image again = img.resign(other);
        assertEquals(img.header(), again.header());
        assertArrayEquals(img.payload(), again.payload());
        assertArrayEquals(other.publicKey().keyId(), again.signature().keyId());
    }

    @Test
    void signingRefusesAHeaderThatDoesNotDescribeThePayload() {
        ImageHeader h = TestImage.arm().counter(7).randomPayload(10, 10).header();
        assertThrows(IllegalArgumentException.class, () -> Image.sign(h, new byte[10], KEY));
        assertThrows(IllegalArgumentException.class, () -> Image.sign(h, new byte[11], KEY));
    }
}
