package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.profile.Arch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ImageHeaderTest {
    private static final byte[] HASH = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static ImageHeader header() {
        return new ImageHeader(Arch.X86_64, 0x12345, 0x100000, 0x100020, new Version(4294967295L, 2, 3),
                4000000000L, "qemu-microvm-x86_64", "telemetry", HASH);
    }

    @Test
    void roundTripsEveryField() {
        ImageHeader h = header();
        byte[] bytes = h.serialize();
        assertEquals(ImageHeader.SIZE, bytes.length);
        ImageHeader back = ImageHeader.parse(bytes);
        assertEquals(h, back);
        assertEquals(Arch.X86_64, back.arch());
        assertEquals(0x12345, back.payloadSize());
        assertEquals(0x100000, back.loadAddress());
        assertEquals(0x100020, back.entryPoint());
        assertEquals(new Version(4294967295L, 2, 3), back.version());
        assertEquals(4000000000L, back.securityCounter());
        assertEquals("qemu-microvm-x86_64", back.profile());
        assertEquals("telemetry", back.appName());
        assertArrayEquals(HASH, back.payloadSha256());
    }

    @Test
    void layoutIsTheDocumentedOne() {
        ByteBuffer b = ByteBuffer.wrap(header().serialize()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("MOTE", new String(header().serialize(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(0x04));
        assertEquals(256, b.getShort(0x06));
        assertEquals(2, b.getShort(0x08));
        assertEquals(0, b.getShort(0x0a));
        assertEquals(0x12345, b.getInt(0x0c));
        assertEquals(0x100000L, b.getLong(0x10));
        assertEquals(0x100020L, b.getLong(0x18));
        assertEquals(-1, b.getInt(0x20));
        assertEquals(2, b.getInt(0x24));
        assertEquals(3, b.getInt(0x28));
        assertEquals((int) 4000000000L, b.getInt(0x2c));
        assertEquals('q', b.get(0x30));
        assertEquals(0, b.get(0x30 + 19));
        assertEquals('t', b.get(0x50));
        assertEquals(0x1f, b.get(0x8f));
        for (int i = 0x90; i < 256; i++) {
            assertEquals(0, b.get(i), "reserved byte " + i);
        }
    }

    private static ImageException refuse(int offset, int value) {
        byte[] bytes = header().serialize();
        bytes[offset] = (byte) value;
        return assertThrows(ImageException.class, () -> ImageHeader.parse(bytes));
    }

    @Test
    void refusesWhatADeviceMustNotTrust() {
        ImageException e = refuse(0, 'm');
        assertEquals(Reason.BAD_MAGIC, e.reason());
        assertEquals("bad magic", e.getMessage());
        e = refuse(0x04, 2);
        assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
        assertEquals("unsupported format version 2", e.getMessage());
        e = refuse(0x07, 0);
        assertEquals(Reason.BAD_HEADER, e.reason());
        assertEquals("bad header: header_size is 0, expected 256", e.getMessage());
        e = refuse(0xff, 1);
        assertEquals("bad header: reserved byte at offset 0xff is not zero", e.getMessage());
        assertEquals("bad header: unknown arch 3", refuse(0x08, 3).getMessage());
        assertEquals("bad header: flags are 0x1, expected 0", refuse(0x0a, 1).getMessage());
        assertTrue(refuse(0x30 + 25, 'x').getMessage().startsWith("bad header: profile is not NUL-padded"));
        assertEquals("bad header: app_name is empty", refuse(0x50, 0).getMessage());
        assertTrue(refuse(0x51, 0xc3).getMessage().startsWith("bad header: app_name is not printable ASCII"));
    }

    @Test
    void aNameMustLeaveRoomForItsNul() {
        String name31 = "a".repeat(31);
        ImageHeader h = new ImageHeader(Arch.ARM64, 1, 0, 0, Version.ZERO, 0, name31, name31, HASH);
        assertEquals(name31, ImageHeader.parse(h.serialize()).profile());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageHeader(Arch.ARM64, 0, 0, 0, Version.ZERO, 0, "p", "a".repeat(32), HASH));
        assertTrue(e.getMessage().startsWith("app name: "), e.getMessage());
        byte[] bytes = h.serialize();
        bytes[0x30 + 31] = 'a';
        assertEquals("bad header: profile has no terminating NUL",
                assertThrows(ImageException.class, () -> ImageHeader.parse(bytes)).getMessage());
    }

    @Test
    void aShortBufferIsTruncated() {
        ImageException e = assertThrows(ImageException.class, () -> ImageHeader.parse(new byte[100]));
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().startsWith("truncated at byte 100"));
    }

    @Test
    void withersChangeOnlyTheirField() {
        ImageHeader h = header().withVersion(Version.ZERO).withSecurityCounter(9);
        assertEquals(Version.ZERO, h.version());
        assertEquals(9, h.securityCounter());
        assertEquals(header().profile(), h.profile());
        assertArrayEquals(HASH, h.payloadSha256());
    }
}
