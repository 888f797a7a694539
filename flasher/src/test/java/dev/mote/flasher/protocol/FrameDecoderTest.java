package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.FrameDecoder.Outcome;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The incremental decoder: the same cases as kernel/test/test_recovery_proto.c. */
class FrameDecoderTest {
    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Feeds byte by byte; returns the frames, errors in outcomes. */
    private static List<Frame> feed(FrameDecoder d, byte[] bytes, List<Outcome> errors) {
        List<Frame> frames = new ArrayList<>();
        for (byte b : bytes) {
            Outcome o = d.feed(b);
            if (o == Outcome.FRAME) {
                frames.add(d.frame());
            } else if (o != Outcome.NONE) {
                errors.add(o);
            }
        }
        return frames;
    }

    @Test
    void decodesTheGoldenVectors() throws Exception {
        FrameDecoder d = new FrameDecoder();
        byte[] wire = HexFormat.of().parseHex(FrameEncoderTest.GOLD_INFO + FrameEncoderTest.GOLD_DATA);
        List<Frame> frames = feed(d, wire, new ArrayList<>());
        assertEquals(2, frames.size());
        assertEquals(FrameEncoderTest.goldInfo(), Info.parse(frames.get(0)));
        assertEquals(0x3000, frames.get(1).arg());
        assertArrayEquals(HexFormat.of().parseHex("dead00beef000001"), frames.get(1).payload());
    }

    @Test
    void roundTripsEveryTypeAndSize() {
        FrameDecoder d = new FrameDecoder();
        for (FrameType t : FrameType.values()) {
            for (int size : new int[] {0, 1, 2, 241, 242, 243, 253, 254, 255, 256, 507, 508, 509, 1024, 2047, 4096}) {
                for (int pattern = 0; pattern < 4; pattern++) {
                    byte[] p = new byte[size];
                    for (int i = 0; i < size; i++) {
                        p[i] = (byte) (pattern == 0 ? 0 : pattern == 1 ? 0xff : pattern == 2 ? i
                                : i % 7 != 0 ? 0x5a : 0);
                    }
                    Frame f = Frame.of(t, pattern, 0xfffff000L, p);
                    List<Frame> got = feed(d, FrameEncoder.encode(f), new ArrayList<>());
                    assertEquals(List.of(f), got, t + " " + size + " " + pattern);
                }
            }
        }
    }

    @Test
    void aCorruptedByteCostsOnlyItsFrame() {
        byte[] p = new byte[64];
        for (int i = 0; i < 64; i++) {
            p[i] = (byte) (i + 1);
        }
        byte[] a = FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 0, p));
        byte[] b = FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 64, p));
        for (int at = 1; at < a.length - 1; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] wire = concat(a, b);
                wire[at] ^= (byte) (1 << bit);
                List<Outcome> errors = new ArrayList<>();
                List<Frame> frames = feed(new FrameDecoder(), wire, errors);
                assertEquals(1, frames.size(), "at " + at + " bit " + bit);
                assertEquals(64, frames.get(0).arg());
                assertTrue(errors.size() >= 1 && errors.size() <= 2);
            }
        }
        byte[] wire = a.clone();
        wire[30] ^= 0x02;
        List<Outcome> errors = new ArrayList<>();
        FrameDecoder d = new FrameDecoder();
        feed(d, wire, errors);
        assertEquals(List.of(Outcome.BAD_CRC), errors);
        assertEquals(1, d.errors());
    }

    @Test
    void aTruncatedFrameIsDroppedAndTheNextOneDecodes() {
        byte[] p = new byte[300];
        for (int i = 0; i < 300; i++) {
            p[i] = (byte) (i * 3);
        }
        byte[] a = FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 7, p));
        byte[] b = FrameEncoder.encode(Frame.of(FrameType.ACK, 9));
        for (int cut = 2; cut < a.length - 1; cut++) {
            byte[] wire = concat(Arrays.copyOf(a, cut), b);
            List<Outcome> errors = new ArrayList<>();
            List<Frame> frames = feed(new FrameDecoder(), wire, errors);
            assertEquals(List.of(Frame.of(FrameType.ACK, 9)), frames, "cut " + cut);
            assertEquals(1, errors.size());
        }
    }

    @Test
    void aFrameLongerThanTheBufferIsTooLong() {
        FrameDecoder d = new FrameDecoder(256);
        List<Outcome> errors = new ArrayList<>();
        feed(d, FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 0, new byte[1024])), errors);
        assertEquals(List.of(Outcome.TOO_LONG), errors);
        Frame ok = Frame.of(FrameType.DATA, 0, 1024, new byte[256]);
        assertEquals(List.of(ok), feed(d, FrameEncoder.encode(ok), errors));
    }

    @Test
    void aGoodCrcWithAWrongLengthFieldIsBadLength() {
        // an ACK whose length field claims 5 payload bytes but which carries none; CRC good
        byte[] raw = HexFormat.of().parseHex("8200050001020304");
        CRC32 c = new CRC32();
        c.update(raw);
        long crc = c.getValue();
        byte[] body = concat(raw, new byte[] {(byte) crc, (byte) (crc >> 8), (byte) (crc >> 16), (byte) (crc >> 24)});
        List<Outcome> errors = new ArrayList<>();
        feed(new FrameDecoder(), cobs(body), errors);
        assertEquals(List.of(Outcome.BAD_LENGTH), errors);
    }

    /** A plain COBS encoder for hand-made frames. */
    private static byte[] cobs(byte[] src) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (byte b : src) {
            if (b == 0) {
                out.write(block.size() + 1);
                out.writeBytes(block.toByteArray());
                block.reset();
            } else {
                block.write(b);
            }
        }
        out.write(block.size() + 1);
        out.writeBytes(block.toByteArray());
        out.write(0);
        return out.toByteArray();
    }

    @Test
    void garbageBetweenFramesCostsErrorsNeverFrames() {
        byte[] text = "[boot] entering recovery mode\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] noise = HexFormat.of().parseHex("00130005410000" + "00ff02");
        FrameDecoder d = new FrameDecoder();
        List<Outcome> errors = new ArrayList<>();
        List<Frame> frames = feed(d, concat(text, FrameEncoder.encode(Frame.of(FrameType.ACK, 0x800))), errors);
        assertEquals(List.of(Frame.of(FrameType.ACK, 0x800)), frames);
        assertEquals(List.of(), errors); // console text before the first frame: silently dropped
        frames = feed(d, concat(noise, text, FrameEncoder.encode(Frame.of(FrameType.ACK, 0x1000))), errors);
        assertEquals(List.of(Frame.of(FrameType.ACK, 0x1000)), frames);
        assertEquals(List.of(Outcome.BAD_COBS, Outcome.BAD_COBS, Outcome.BAD_COBS), errors);
        assertEquals(List.of(), feed(d, new byte[8], errors));
        assertEquals(3, errors.size());
    }

    @Test
    void readsFromAStreamAndFromChunks() throws IOException {
        Frame a = Frame.of(FrameType.ACK, 1);
        Frame b = Frame.of(FrameType.DATA, 0, 2, new byte[] {1, 0, 2});
        byte[] wire = concat(FrameEncoder.encode(a), FrameEncoder.encode(b));
        FrameDecoder d = new FrameDecoder();
        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        assertEquals(a, d.read(in));
        assertEquals(b, d.read(in));
        assertNull(d.read(in));
        FrameDecoder c = new FrameDecoder();
        List<Frame> got = new ArrayList<>();
        for (int off = 0; off < wire.length; off += 5) {
            got.addAll(c.feed(wire, off, Math.min(5, wire.length - off)));
        }
        assertEquals(List.of(a, b), got);
    }
}
