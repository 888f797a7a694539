package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FrameLinkTest {
    @Test
    void sendsReceivesCountsAndTimesOut() throws Exception {
        Pipe toPeer = new Pipe();
        Pipe fromPeer = new Pipe();
        try (FrameLink link = new FrameLink(fromPeer.in, toPeer.out)) {
            link.send(Frame.of(FrameType.ACK, 7));
            byte[] wire = FrameEncoder.encode(Frame.of(FrameType.ACK, 7));
            assertEquals(wire.length, link.bytesSent());
            assertEquals(Frame.of(FrameType.ACK, 7), new FrameDecoder().read(toPeer.in));

            assertNull(link.receive(Duration.ofMillis(20)));
            fromPeer.out.write("console noise".getBytes(StandardCharsets.US_ASCII));
            fromPeer.out.write(FrameEncoder.encode(Frame.of(FrameType.NAK, 0, 3, new byte[] {1, 0})));
            assertEquals(3, link.receive(Duration.ofSeconds(5)).arg());
            assertEquals(13 + FrameEncoder.encode(Frame.of(FrameType.NAK, 0, 3, new byte[] {1, 0})).length,
                    link.bytesReceived());
        }
    }

    @Test
    void theEndOfTheStreamIsReportedAfterTheLastFrame() throws Exception {
        Pipe toPeer = new Pipe();
        Pipe fromPeer = new Pipe();
        try (FrameLink link = new FrameLink(fromPeer.in, toPeer.out)) {
            fromPeer.out.write(FrameEncoder.encode(Frame.of(FrameType.ACK, 1)));
            fromPeer.out.write(new byte[] {5, 1, 0}); // a damaged frame, then the line goes
            fromPeer.cut();
            assertEquals(1, link.receive(Duration.ofSeconds(5)).arg());
            assertThrows(EOFException.class, () -> link.receive(Duration.ofSeconds(5)));
            assertThrows(EOFException.class, () -> link.receive(Duration.ofSeconds(5)));
            assertEquals(1, link.decodeErrors());
        }
    }
}
