package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mote.sdk.Tools;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native guestfwd relay: built once into the cache, then a process carrying its stdin/stdout to a host port. */
class NativeRelayTest {
    @TempDir
    static Path cache;
    private static Path relay;

    @BeforeAll
    static void build() {
        Path clang = new Tools(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))).find("clang");
        assumeTrue(clang != null, "clang is not installed");
        relay = NativeRelay.locate(cache, clang);
    }

    @Test
    void isBuiltOnceAndThenTakenFromTheCache() throws Exception {
        assertNotNull(relay);
        assertTrue(relay.getParent().getFileName().toString().matches("relay-[0-9a-f]{16}"), relay.toString());
        long built = Files.getLastModifiedTime(relay).toMillis();
        assertEquals(relay, NativeRelay.locate(cache, null), "no compiler needed the second time");
        assertEquals(built, Files.getLastModifiedTime(relay).toMillis());
        assertNull(NativeRelay.locate(cache.resolve("empty"), null), "no compiler, nothing cached: none");
    }

    /** QEMU's case: the device's connection is a socket on stdin, stdout and stderr. */
    @Test
    void carriesASocketBothWaysAndPassesTheDevicesHalfClose() throws Exception {
        assertNotNull(relay);
        try (ServerSocket host = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket pair = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // the device's side: a loopback TCP pair (bash's /dev/tcp) whose one end is the relay's stdin/stdout/stderr
            Process p = new ProcessBuilder(List.of("/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + pair.getLocalPort()
                    + " && exec \"$0\" 127.0.0.1 \"$1\" <&3 >&3 2>&3", relay.toString(),
                    Integer.toString(host.getLocalPort()))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (Socket device = accept(pair); Socket s = accept(host)) {
                device.setSoTimeout(20_000);
                s.setSoTimeout(20_000);
                InputStream din = device.getInputStream();
                OutputStream dout = device.getOutputStream();
                for (int i = 0; i < 3; i++) {      // small messages, each answered: a chunk request's pattern
                    dout.write(("req " + i).getBytes(StandardCharsets.US_ASCII));
                    assertEquals("req " + i, new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                    s.getOutputStream().write(("chunk " + i).getBytes(StandardCharsets.US_ASCII));
                    assertEquals("chunk " + i, new String(din.readNBytes(7), StandardCharsets.US_ASCII));
                }
                device.shutdownOutput();             // the device's FIN reaches the service
                assertEquals(-1, s.getInputStream().read());
                s.getOutputStream().write("late answer".getBytes(StandardCharsets.US_ASCII));
                s.close();                           // the service's close ends the relay
                assertEquals("late answer", new String(din.readAllBytes(), StandardCharsets.US_ASCII));
            }
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
    }

    @Test
    void nobodyListeningEndsTheConnection() throws Exception {
        assertNotNull(relay);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(relay.toString(), "127.0.0.1", Integer.toString(port)))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals(0, p.getInputStream().readAllBytes().length, "nothing written to the device");
    }

    private static Socket accept(ServerSocket s) throws Exception {
        s.setSoTimeout(20_000);
        return s.accept();
    }
}
