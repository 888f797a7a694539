package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
}
