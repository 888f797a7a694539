package dev.mote.flasher.integration;

import dev.mote.sdk.testing.Await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.DataCompression;
import dev.mote.flasher.protocol.Frame;
import dev.mote.flasher.protocol.FrameEncoder;
import dev.mote.flasher.protocol.FrameLink;
import dev.mote.flasher.protocol.FrameType;
import dev.mote.flasher.protocol.ProtocolMessages.Ack;
import dev.mote.flasher.protocol.ProtocolMessages.Begin;
import dev.mote.flasher.protocol.ProtocolMessages.Hello;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.flasher.protocol.ProtocolMessages.Nak;
import dev.mote.flasher.protocol.ProtocolMessages.Status;
import dev.mote.flasher.protocol.ProtocolMessages;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bootloader's side of compressed DATA, frame by frame over a real link (QEMU's serial
 * socket): it offers LZ4 in INFO; a compressed frame that arrives intact but does not decode to
 * the count it states (a broken or hostile host) draws NAK reason 3 and writes nothing, and the
 * same bytes sent uncompressed are taken; a frame damaged on the wire draws NAK reason 1; and
 * afterwards the slot holds exactly the bytes acknowledged, nothing else.
 */
class CompressedFrameTest {
    static final String PROFILE = "qemu-virt-arm64";
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** QEMU takes a moment to open its socket. */
    private static Socket connect(int port) throws Exception {
        return Await.retrying(() -> new Socket("127.0.0.1", port), ConnectException.class, Duration.ofSeconds(10));
    }

    /** The next ACK, NAK or STATUS (INFO and the rest are not answers here). */
    private static Frame answer(FrameLink link) throws IOException, InterruptedException {
        for (Frame f; (f = link.receive(WAIT)) != null;) {
            if (f.is(FrameType.ACK) || f.is(FrameType.NAK) || f.is(FrameType.STATUS)) {
                return f;
            }
        }
        throw new AssertionError("no answer from the device in " + WAIT);
    }

    private static void assertNak(Frame f, long offset, int reason) throws IOException {
        assertTrue(f.is(FrameType.NAK), "expected a NAK, got " + f);
        assertEquals(new Nak(offset, reason), Nak.parse(f));
    }

    @Test
    void anUndecodableCompressedFrameIsNakedAndWritesNothing() throws Exception {
        Profile p = Fixtures.profile(PROFILE);
        Path flash = tmp.resolve("blank.bin");
        FlashImage.forProfile(p).write(flash);
        byte[] image = Files.readAllBytes(EmulatedBoard.build(tmp, p, "1.0.0", 1, TestKeys.KEY));
        int port = freePort();
        try (EmulatedBoard board = EmulatedBoard.powerOn(flash, p, EmulatedBoard.options(Duration.ofSeconds(90))
                .withSerialPort(port)); Socket s = connect(port);
                FrameLink link = new FrameLink(s.getInputStream(), s.getOutputStream())) {
            Info info = null;
            for (int i = 0; i < 10 && info == null; i++) {
                link.send(new Hello(ProtocolMessages.VERSION, 0).toFrame());
                for (Frame f; info == null && (f = link.receive(Duration.ofMillis(500))) != null;) {
                    info = f.is(FrameType.INFO) ? Info.parse(f) : null;
                }
            }
            assertNotNull(info, "INFO");
            assertEquals(ProtocolMessages.INFO_COMPRESSION, info.flags() & ProtocolMessages.INFO_COMPRESSION);
            link.send(new Begin(image.length, Arrays.copyOf(image, 256)).toFrame());
            assertEquals(new Ack(0), Ack.parse(answer(link)));

            byte[] z = DataCompression.compress(image, 0, 1024);
            assertTrue(z.length < 1024, "the image's first KiB compresses");
            byte[] countTooHigh = z.clone();
            countTooHigh[0]++;
            link.send(Frame.of(FrameType.DATA, Frame.FLAG_COMPRESSED, 0, countTooHigh));
            assertNak(answer(link), 0, ProtocolMessages.NAK_DATA);
            byte[] cut = Arrays.copyOf(z, z.length - 5);    // the count is right, the block ends early
            link.send(Frame.of(FrameType.DATA, Frame.FLAG_COMPRESSED, 0, cut));
            assertNak(answer(link), 0, ProtocolMessages.NAK_DATA);
            link.send(Frame.of(FrameType.DATA, 0, 0, Arrays.copyOf(image, 1024)));   // the same, uncompressed
            assertEquals(new Ack(1024), Ack.parse(answer(link)));

            byte[] wire = FrameEncoder.encode(DataCompression.frame(1024, image, 1024, 1024, true));
            wire[wire.length / 2] ^= 0x40;                  // damaged on the line: the CRC catches it
            if (wire[wire.length / 2] == 0) {
                wire[wire.length / 2] = 0x41;
            }
            s.getOutputStream().write(wire);
            assertNak(answer(link), 1024, ProtocolMessages.NAK_CRC);
            link.send(DataCompression.frame(1024, image, 1024, 1024, true));
            assertEquals(new Ack(2048), Ack.parse(answer(link)));

            link.send(Frame.of(FrameType.ABORT, 12));
            Status st = Status.parse(answer(link));
            assertTrue(st.ok(), st.describe());
        }
        EmulatedBoard.powerOff(flash);
        Partition slot = p.partition("slot_a");
        byte[] held = new byte[(int) slot.size()];
        try (RandomAccessFile f = new RandomAccessFile(flash.toFile(), "r")) {
            f.seek(slot.offset());
            f.readFully(held);
        }
        assertArrayEquals(Arrays.copyOf(image, 2048), Arrays.copyOf(held, 2048), "the bytes acknowledged");
        for (int i = 2048; i < held.length; i++) {
            if (held[i] != 0) {
                throw new AssertionError("slot A byte " + i + " written: " + held[i]);
            }
        }
    }
}
