package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.ProtocolMessages.Ack;
import dev.mote.flasher.protocol.ProtocolMessages.End;
import dev.mote.flasher.protocol.ProtocolMessages.Hello;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.flasher.protocol.ProtocolMessages.Nak;
import dev.mote.flasher.protocol.ProtocolMessages.Status;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors: the same bytes as kernel/test/test_recovery_proto.c (GOLD_*) and the worked
 * example of docs/flasher-protocol.md, so the flasher and the bootloader agree byte for byte.
 */
class FrameEncoderTest {
    static final String GOLD_HELLO = "0002010204064d5243560101010514206a6900";
    static final String GOLD_INFO = "0002810258064d524356010201010304080203010101020101010102400102300130202122232425"
            + "262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f71656d752d766972742d61726d36340101010101010101"
            + "010101010101010105fb1a07ee00";
    static final String GOLD_DATA = "00020302080102300103dead03beef01060180ab47bd00";
    static final String GOLD_ACK = "00028201010308300105b190e39500";
    static final String GOLD_NAK = "0002830202010230010202050d078a3f00";
    static final String GOLD_END = "000204010104680110051976fa5400";
    static final String GOLD_STATUS = "0002840210020401011570726f66696c65206d69736d61746368af08825b00";
    static final String GOLD_ABORT = "0002050101020c010105b56e146700";
    static final String GOLD_REBOOT = "00020601010101010105eed64da300";

    /** The INFO of the golden vector: an arm64 board resuming at 0x3000. */
    static Info goldInfo() {
        byte[] hash = new byte[32];
        for (int i = 0; i < 32; i++) {
            hash[i] = (byte) (0x20 + i);
        }
        return new Info(1, 1, 1024, 8, 0, 3, 0, 1, 0x400000, 0x3000, hash, "qemu-virt-arm64");
    }

    private static String hex(Frame f) {
        return HexFormat.of().formatHex(FrameEncoder.encode(f));
    }

    private static long crcOf(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    @Test
    void goldenVectorsMatchTheDeviceCodec() {
        assertEquals(GOLD_HELLO, hex(new Hello(1, 0).toFrame()));
        assertEquals(GOLD_INFO, hex(goldInfo().toFrame()));
        byte[] data = {(byte) 0xde, (byte) 0xad, 0, (byte) 0xbe, (byte) 0xef, 0, 0, 1};
        assertEquals(GOLD_DATA, hex(Frame.of(FrameType.DATA, 0, 0x3000, data)));
        assertEquals(GOLD_ACK, hex(new Ack(0x3008).toFrame()));
        assertEquals(GOLD_NAK, hex(new Nak(0x3000, ProtocolMessages.NAK_GAP).toFrame()));
        assertEquals(GOLD_END, hex(new End(0x100168).toFrame()));
        assertEquals(GOLD_STATUS, hex(new Status(ProtocolStatus.PROFILE, "profile mismatch").toFrame()));
        assertEquals(GOLD_ABORT, hex(new ProtocolMessages.Abort(ProtocolStatus.ABORTED.code()).toFrame()));
        assertEquals(GOLD_REBOOT, hex(Frame.of(FrameType.REBOOT, 0)));
    }

    @Test
    void longGoldenFramesMatchByLengthAndCrc() {
        byte[] header = new byte[256];
        for (int i = 0; i < 256; i++) {
            header[i] = (byte) (i * 7);
        }
        byte[] begin = FrameEncoder.encode(Frame.of(FrameType.BEGIN, 0, 0x100168, header));
        assertEquals(272, begin.length);
        assertEquals(0xf708a949L, crcOf(begin));
        byte[] ramp = new byte[600];
        for (int i = 0; i < 600; i++) {
            ramp[i] = (byte) i;
        }
        byte[] big = FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 0x400, ramp));
        assertEquals(617, big.length);
        assertEquals(0xb3d7580aL, crcOf(big));
        byte[] run = new byte[300];
        Arrays.fill(run, (byte) 0x55);
        byte[] runs = FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 0x11223344L, run));
        assertEquals(316, runs.length);
        assertEquals(0x11782e0aL, crcOf(runs));
    }

    @Test
    void noZeroInsideAFrameAndSizeWithinTheBound() {
        for (int size : new int[] {0, 1, 253, 254, 255, 1024, 4096}) {
            for (int fill : new int[] {0, 0xff, -1}) {
                byte[] p = new byte[size];
                for (int i = 0; i < size; i++) {
                    p[i] = (byte) (fill >= 0 ? fill : i);
                }
                byte[] e = FrameEncoder.encode(Frame.of(FrameType.DATA, 0, 0, p));
                assertTrue(e.length <= FrameEncoder.maxEncodedSize(size), size + "/" + fill);
                assertEquals(0, e[0]);
                assertEquals(0, e[e.length - 1]);
                for (int i = 1; i < e.length - 1; i++) {
                    assertTrue(e[i] != 0, "zero at " + i);
                }
            }
        }
    }

    @Test
    void overheadOfAFullDataFrameIsSmall() {
        // 1024 payload bytes cost at most 19 more on the wire: header, CRC, COBS, delimiters
        assertEquals(1043, FrameEncoder.maxEncodedSize(1024));
        assertThrows(IllegalArgumentException.class, () -> Frame.of(FrameType.DATA, 0, 0, new byte[4097]));
    }

    @Test
    void frameBytesAreTheHeaderPayloadAndCrc() {
        // GOLD_ACK decoded by hand: COBS blocks 02|82, 01, 01, 03|08 30, 01, 05|b1 90 e3 95
        byte[] raw = HexFormat.of().parseHex("82000000083000" + "00");
        CRC32 c = new CRC32();
        c.update(raw, 0, 8);
        assertEquals(0x95e390b1L, c.getValue());
        assertArrayEquals(HexFormat.of().parseHex(GOLD_ACK), FrameEncoder.encode(Frame.of(FrameType.ACK, 0x3008)));
    }
}
