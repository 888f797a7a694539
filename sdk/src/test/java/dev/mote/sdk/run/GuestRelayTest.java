package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guestfwd relay as QEMU runs it: a process carrying its stdin/stdout to a host port. */
class GuestRelayTest {
    private static Process relay(int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                GuestRelay.class.getName(), "127.0.0.1", Integer.toString(port)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void carriesBothWaysAndPassesTheDevicesHalfClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = relay(server.getLocalPort());
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                p.getOutputStream().write("from the device".getBytes(StandardCharsets.US_ASCII));
                p.getOutputStream().close();     // the device's FIN
                assertEquals("from the device", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                s.getOutputStream().write("from the host".getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals("from the host", new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
    }

    @Test
    void nobodyListeningEndsTheConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = relay(port);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals(0, p.getInputStream().readAllBytes().length, "nothing written to the device");
    }

    /**
     * QEMU's case: the connection is a socket (libslirp's loopback TCP pair), which the relay
     * takes as a channel so that it can acknowledge each read at once (docs/networking.md).
     */
    @Test
    void carriesASocketBothWays() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocketChannel pair = ServerSocketChannel.open()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel qemu = SocketChannel.open(pair.getLocalAddress());
                SocketChannel mine = pair.accept();
                Socket toHost = new Socket()) {
            toHost.connect(host.getLocalSocketAddress(), 10_000);
            Thread t = new Thread(() -> {
                try {
                    GuestRelay.relay(mine, toHost);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.start();
            try (Socket s = host.accept()) {
                s.setSoTimeout(20_000);
                for (int i = 0; i < 3; i++) {      // small messages, each answered: a chunk request's pattern
                    qemu.write(ByteBuffer.wrap(("req " + i).getBytes(StandardCharsets.US_ASCII)));
                    assertEquals("req " + i, new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                    s.getOutputStream().write(("chunk " + i).getBytes(StandardCharsets.US_ASCII));
                    ByteBuffer b = ByteBuffer.allocate(7);
                    while (b.hasRemaining() && qemu.read(b) >= 0) {
                        // until the whole answer is in
                    }
                    assertEquals("chunk " + i, new String(b.array(), StandardCharsets.US_ASCII));
                }
                qemu.shutdownOutput();               // the device's FIN
                assertEquals(-1, s.getInputStream().read());
            }
            t.join(20_000);
            assertEquals(-1, qemu.read(ByteBuffer.allocate(1)), "the service's close reaches the device");
        }
    }
}
