package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mote's TCP against Linux's own on both boards: the device's NIC is QEMU's {@code -netdev dgram}
 * to our relay, which drops, reorders, duplicates and delays frames on their way to a TAP device in
 * a network namespace this test creates ({@link TapNet}); the peer is a small Python program
 * using Linux's sockets there. One boot runs every step of the TAP test app
 * (src/test/resources/apps/tap): 1 MiB each way byte-exact at 5% loss with reordering, a peer that
 * stops reading (zero window) and resumes, a peer that resets while the device sends and while it
 * receives, and a simultaneous close whose FINs are seen crossing on the wire. Skipped, saying
 * why, where namespaces or TAP devices are not available.
 */
class NetworkTapTest {
    static final Path TAP_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/tap");
    static final int MIB = 1 << 20;
    /** 5% of frames lost each way, 5% held back 2 ms (overtaken), 1% sent twice, up to 1 ms jitter. */
    static final String LOSSY = "loss=0.05 reorder=0.05 hold=2 dup=0.01 delay=0 jitter=1";
    static final String CLEAN = "loss=0 reorder=0 dup=0 delay=0 jitter=0";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void tcpAgainstLinuxThroughALossyRelay(String profile) throws Exception {
        String why = TapNet.unavailable();
        Assumptions.assumeTrue(why == null, "TAP tests skipped: " + why);
        Path elf = tmp.resolve("tap-" + profile + ".elf");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(TAP_APP, Fixtures.profile(profile), elf, BuildOptions.defaults());
        try (TapNet net = TapNet.start(tmp, 13)) {
            RunOptions o = Qemu.tcg().withTimeout(Duration.ofSeconds(240)).withDevices(new Devices(null, true))
                    .withExtraArgs(net.qemuArgs());
            net.conditions(LOSSY);
            try (NetDevice d = NetDevice.boot(elf, o)) {
                d.awaitConsole("tap-test: up", Duration.ofSeconds(60));
                long t0 = System.nanoTime();

                // device -> Linux, 1 MiB at 5% loss with reordering and duplicates
                net.resetStats();
                net.peerStart("recv 5001 1 " + MIB);
                assertEquals("ok recv " + MIB + " " + sha(1, MIB), net.peerResult(), d.console());
                d.awaitConsole("tap-test: send " + MIB + " bytes sha256 " + sha(1, MIB), Duration.ofSeconds(30));
                Map<String, Long> s = net.stats();
                assertTrue(s.get("d2l_drop") > 10 && s.get("l2d_drop") > 0 && s.get("d2l_held") > 10, s.toString());
                long t1 = lap("device -> Linux 1 MiB at 5% loss", t0, s);

                // Linux -> device, the same
                net.resetStats();
                net.peerStart("send 6001 2 " + MIB);
                assertEquals("ok send " + MIB, net.peerResult(), d.console());
                d.awaitConsole("tap-test: recv " + MIB + " bytes sha256 " + sha(2, MIB), Duration.ofSeconds(30));
                s = net.stats();
                assertTrue(s.get("l2d_drop") > 10 && s.get("l2d_held") > 10, s.toString());
                long t2 = lap("Linux -> device 1 MiB at 5% loss", t1, s);

                // a peer that stops reading for 2 s: its window closes, the device probes, then goes on
                net.conditions(CLEAN);
                net.resetStats();
                net.peerStart("zerowin 5002 3 " + MIB / 2 + " 2000");
                assertEquals("ok zerowin " + MIB / 2 + " " + sha(3, MIB / 2), net.peerResult(), d.console());
                d.awaitConsole("tap-test: zerowin " + MIB / 2 + " bytes sha256", Duration.ofSeconds(30));
                s = net.stats();
                assertTrue(s.get("l2d_zerowin") > 0, "Linux advertised no zero window: " + s);
                long t3 = lap("zero window for 2 s", t2, s);

                // a peer that resets while the device sends, and while it waits to receive
                net.peerStart("rstrecv 5003 65536");
                assertEquals("ok rstrecv 65536", net.peerResult(), d.console());
                d.awaitConsole("tap-test: rstsend ended with " + MoteErrno.ECONNRESET, Duration.ofSeconds(30));
                net.peerStart("rstsend 6003 65536");
                assertEquals("ok rstsend 65536", net.peerResult(), d.console());
                d.awaitConsole("tap-test: rstrecv ended with " + MoteErrno.ECONNRESET + " after 65536 bytes",
                        Duration.ofSeconds(30));
                long t4 = lap("resets", t3, net.stats());

                // both sides close at once: every frame waits 200 ms in the relay, so the FINs cross
                net.conditions("delay=200");
                net.resetStats();
                net.peerStart("simclose 5004");
                assertEquals("ok simclose", net.peerResult(), d.console());
                d.awaitConsole("tap-test: simclose send/recv 0 shutdown 0 close 0", Duration.ofSeconds(30));
                s = net.stats();
                assertEquals(1L, s.get("fin_cross"), "the FINs did not cross: " + s);
                assertEquals(0L, s.get("d2l_rst") + s.get("l2d_rst"), "a reset in a clean close: " + s);
                lap("simultaneous close", t4, s);

                assertEquals(0, d.exitCode(Duration.ofSeconds(60)), d.console());
                assertTrue(d.console().contains("tap-test: done, 0 failures"), d.console());
                System.out.println(d.console());
            }
        }
    }

    /** Errors the app prints, as mote/net.h defines them. */
    private static final class MoteErrno {
        static final int ECONNRESET = -104;
    }

    private static long lap(String what, long since, Map<String, Long> stats) {
        long now = System.nanoTime();
        System.out.printf("TAP: %s: %.2f s, relay %s%n", what, (now - since) / 1e9, stats);
        return now;
    }

    /** SHA-256 of pattern(seed, n), the stream peer.py and the app compute. */
    static String sha(int seed, int n) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pattern(seed, n)));
    }

    static byte[] pattern(int seed, int n) {
        byte[] out = new byte[n];
        int x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            out[i] = (byte) (x >>> 24);
        }
        return out;
    }
}
