package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.ProtocolMessages.Ack;
import dev.mote.flasher.protocol.ProtocolMessages.Begin;
import dev.mote.flasher.protocol.ProtocolMessages.Data;
import dev.mote.flasher.protocol.ProtocolMessages.End;
import dev.mote.flasher.protocol.ProtocolMessages.Hello;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.flasher.protocol.ProtocolMessages.Nak;
import dev.mote.flasher.protocol.ProtocolMessages.Status;
import org.junit.jupiter.api.Test;

class ProtocolMessagesTest {
    @Test
    void everyMessageRoundTripsThroughItsFrame() throws Exception {
        assertEquals(new Hello(1, 0), Hello.parse(new Hello(1, 0).toFrame()));
        Info info = FrameEncoderTest.goldInfo();
        assertEquals(info, Info.parse(info.toFrame()));
        assertEquals(88, info.toFrame().length());
        byte[] header = new byte[256];
        header[0] = 'M';
        Begin b = Begin.parse(new Begin(4096, header).toFrame());
        assertEquals(4096, b.size());
        assertArrayEquals(header, b.header());
        Data d = Data.parse(new Data(0x1000, new byte[] {1, 2, 3}).toFrame());
        assertEquals(0x1000, d.offset());
        assertArrayEquals(new byte[] {1, 2, 3}, d.bytes());
        byte[] zeros = new byte[1000];
        Frame z = DataCompression.frame(0x2000, zeros, 0, zeros.length, true);
        assertEquals(Frame.FLAG_COMPRESSED, z.flags());
        assertTrue(z.length() < 30, "1000 zeros compress to " + z.length() + " bytes");
        assertEquals(0x2000, Data.parse(z).offset());
        assertArrayEquals(zeros, Data.parse(z).bytes());
        assertEquals(new Ack(0xffffffffL), Ack.parse(new Ack(0xffffffffL).toFrame()));
        assertEquals(new Nak(12, ProtocolMessages.NAK_CRC), Nak.parse(new Nak(12, ProtocolMessages.NAK_CRC).toFrame()));
        assertEquals(new End(99), End.parse(new End(99).toFrame()));
        Status s = Status.parse(new Status(ProtocolStatus.HASH, "hash mismatch").toFrame());
        assertEquals(10, s.code());
        assertEquals("hash mismatch", s.describe());
        assertFalse(s.ok());
    }

    @Test
    void parseRefusesFramesThatAreNotWhatTheyClaim() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Info.parse(new Ack(1).toFrame()));
        assertEquals("expected INFO, got ACK", e.getMessage());
        Frame noMagic = Frame.of(FrameType.INFO, 0, 0, FrameEncoderTest.goldInfo().toFrame().payload());
        assertThrows(ProtocolException.class, () -> Info.parse(noMagic));
        Frame shortInfo = Frame.of(FrameType.INFO, 0, ProtocolMessages.MAGIC, new byte[87]);
        assertThrows(ProtocolException.class, () -> Info.parse(shortInfo));
        byte[] p = FrameEncoderTest.goldInfo().toFrame().payload();
        p[80] = 'x'; // junk after the profile's NUL
        assertThrows(ProtocolException.class, () -> Info.parse(Frame.of(FrameType.INFO, 0, ProtocolMessages.MAGIC, p)));
        assertThrows(ProtocolException.class, () -> Begin.parse(Frame.of(FrameType.BEGIN, 0, 1, new byte[255])));
        ProtocolException flag = assertThrows(ProtocolException.class,
                () -> Data.parse(Frame.of(FrameType.DATA, 0x02, 0, new byte[4])));
        assertEquals(ProtocolStatus.UNSUPPORTED, flag.status().orElseThrow());
        ProtocolException undecodable = assertThrows(ProtocolException.class,
                () -> Data.parse(Frame.of(FrameType.DATA, Frame.FLAG_COMPRESSED, 0, new byte[4])));
        assertTrue(undecodable.status().isEmpty(), "no STATUS: the device NAKs it (NAK_DATA)");
        assertThrows(ProtocolException.class, () -> Data.parse(Frame.of(FrameType.DATA, 0, 0xfffffffeL, new byte[4])));
    }

    /** The device's reasons arrive whole: 64 bytes cut a profile mismatch to "device is qe". */
    @Test
    void aWholeReasonSurvives() throws Exception {
        String why = "profile mismatch: image is for qemu-microvm-x86_64, device is qemu-virt-arm64";
        assertEquals(why, Status.parse(new Status(ProtocolStatus.PROFILE, why).toFrame()).text());
        String longest = "profile mismatch: image is for " + "a".repeat(31) + ", device is " + "b".repeat(31);
        assertEquals(longest, Status.parse(new Status(ProtocolStatus.PROFILE, longest).toFrame()).text());
    }

    @Test
    void statusTextIsCappedAndDescribedWhenEmpty() throws Exception {
        Status s = new Status(ProtocolStatus.DOWNGRADE, "x".repeat(300));
        assertEquals(ProtocolMessages.STATUS_TEXT_MAX, s.text().length());
        Status empty = Status.parse(new Status(ProtocolStatus.DOWNGRADE, "").toFrame());
        assertTrue(empty.describe().contains("security counter"));
        Status unknown = Status.parse(new Status(77, "").toFrame());
        assertEquals("status 77", unknown.describe());
        assertTrue(new Status(ProtocolStatus.OK, "fine").ok());
    }

    @Test
    void statusCodesMatchTheDeviceHeader() {
        // RPROTO_S* in kernel/include/recovery_proto.h
        int[] codes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        ProtocolStatus[] all = ProtocolStatus.values();
        for (int i = 0; i < codes.length; i++) {
            assertEquals(codes[i], all[i].code());
            assertEquals(all[i], ProtocolStatus.of(codes[i]).orElseThrow());
        }
        assertTrue(ProtocolStatus.of(13).isEmpty());
    }
}
