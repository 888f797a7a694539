package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileParser;
import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.Network;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device on the network, under QEMU on both boards: the ping, echo and http-get examples and
 * the network test app (sdk/src/test/resources/apps/net) against real peers on the host's
 * 127.0.0.1, through QEMU's isolated user-mode network (restrict=on) and mote run's forwards.
 */
class NetworkBootTest {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final Path NET_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/net");
    static final Path NET_EXIT_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/net-exit");

    @TempDir
    Path tmp;

    static RunOptions on(Network n) {
        return Qemu.tcg().withTimeout(TIMEOUT).withDevices(Devices.standard().withNetwork(n));
    }

    private Path buildApp(Path app, String profile) throws IOException {
        Path out = tmp.resolve(app.getFileName() + "-" + profile + ".elf");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(app, Fixtures.profile(profile), out, BuildOptions.defaults());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void pingGetsFourAnswersAndThePcapHoldsThem(String profile) throws Exception {
        Path pcap = tmp.resolve("ping.pcap");
        Qemu.Boot b = Qemu.boot(Qemu.build("ping", profile, tmp), on(Network.user().withPcap(pcap)));
        assertTrue(b.console().contains("[mote] net: 10.0.2.15 "), b.console());
        assertTrue(b.console().contains("ping: 4 of 4 answered"), b.console());
        assertEquals(0, b.result().guestExitCode(), b.console());
        Pcap.Summary s = Pcap.read(pcap);
        assertEquals(4, s.echoRequests(), s.toString());
        assertEquals(4, s.echoReplies(), s.toString());
        assertTrue(s.dhcp() >= 4, "DISCOVER, OFFER, REQUEST, ACK: " + s);
        Pcap.checkWithTcpdump(pcap, s.frames());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void pingWorksOnModernVirtioMmioToo(String profile) throws Exception {
        RunOptions o = on(Network.user()).withExtraArgs(List.of("-global", "virtio-mmio.force-legacy=false"));
        Qemu.Boot b = Qemu.boot(Qemu.build("ping", profile, tmp), o);
        assertTrue(b.console().contains("ping: 4 of 4 answered"), b.console());
        assertEquals(0, b.result().guestExitCode(), b.console());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void echoReturns16MiBByteExact(String profile) throws Exception {
        Network net = Network.user().withHostForward(new Network.HostForward(Network.Protocol.TCP, 0, 7))
                .withFreePorts();
        int port = net.hostForwards().get(0).hostPort();
        byte[] sent = new byte[16 << 20];
        new Random(13).nextBytes(sent);
        try (NetDevice d = NetDevice.boot(Qemu.build("echo", profile, tmp), on(net))) {
            d.awaitConsole("echo: listening on port 7", Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            byte[] got = exchange(port, sent);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("echo through slirp on %s: 16 MiB each way in %.2f s (%.1f MB/s)%n", profile, s,
                    sent.length / s / 1e6);
            assertEquals(sent.length, got.length);
            assertArrayEquals(sent, got, "the echo differs");
            d.awaitConsole("16777216 bytes echoed", Duration.ofSeconds(30));
        }
    }

    /** Writes all of data to 127.0.0.1:port while reading what comes back, until the echo is complete. */
    static byte[] exchange(int port, byte[] data) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            s.setSoTimeout(30_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 65536) {
                        out.write(data, off, Math.min(65536, data.length - off));
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] got = new byte[data.length];
            InputStream in = s.getInputStream();
            int n = 0;
            for (int r; n < got.length && (r = in.read(got, n, got.length - n)) > 0;) {
                n += r;
            }
            writer.get(30, TimeUnit.SECONDS);
            return n == got.length ? got : java.util.Arrays.copyOf(got, n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void httpGetFetchesAPageFromTheHost(String profile) throws Exception {
        byte[] page = new byte[200 * 1024 + 7];
        new Random(7).nextBytes(page);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, page.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
        try {
            Network net = Network.user().withGuestForward(new Network.GuestForward(80, server.getAddress().getPort()));
            Qemu.Boot b = Qemu.boot(Qemu.build("http-get", profile, tmp), on(net));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(page));
            assertTrue(b.console().contains("http-get: HTTP 200, " + page.length + " bytes, sha256 " + sha),
                    b.console());
            assertEquals(0, b.result().guestExitCode(), b.console());
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void udpTftpDnsAndBsdSocketsThroughSlirp(String profile) throws Exception {
        Path tftp = Files.createDirectories(tmp.resolve("tftp"));
        String greeting = "greetings from the host's TFTP directory. ".repeat(40);   // three blocks
        Files.writeString(tftp.resolve("greeting.txt"), greeting);
        try (ServerSocket hostService = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Network net = Network.user().withTftp(tftp)
                    .withHostForward(new Network.HostForward(Network.Protocol.UDP, 0, 5555))
                    .withHostForward(new Network.HostForward(Network.Protocol.TCP, 0, 8080))
                    .withGuestForward(new Network.GuestForward(7777, hostService.getLocalPort()))
                    .withFreePorts();
            CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> answerOnce(hostService));
            try (NetDevice d = NetDevice.boot(buildApp(NET_APP, profile), on(net))) {
                d.awaitConsole("net-test: udp listening", Duration.ofSeconds(60));
                try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    byte[] msg = "a datagram from the host".getBytes(StandardCharsets.US_ASCII);
                    u.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(),
                            net.hostForwards().get(0).hostPort()));
                }
                d.awaitConsole("net-test: bsd server listening", Duration.ofSeconds(60));
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), net.hostForwards().get(1).hostPort())) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write("shout\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("SHOUT\n", new String(s.getInputStream().readNBytes(6), StandardCharsets.US_ASCII),
                            () -> "the device's answer through hostfwd; its console:\n" + d.console());
                }
                int code = d.exitCode(Duration.ofSeconds(60));
                String c = d.console();
                assertEquals(0, code, c);
                assertTrue(c.contains("net-test: all ok"), c);
                assertTrue(c.contains("[mote] random: seeded from virtio-rng and timer jitter"), c);
                assertTrue(c.contains("net-test: ip 10.0.2.15 mask 255.255.255.0 server 10.0.2.2"), c);
                assertTrue(c.contains("net-test: tftp got " + greeting.length() + " bytes: " + greeting), c);
                assertTrue(c.contains("net-test: udp got 'a datagram from the host'"), c);
                assertTrue(c.contains("net-test: bsd client got 'hello from the host"), c);
                assertEquals("hello from the device", heard.get(10, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * An app that sends and returns from app_main at once, one connection closed (through hostfwd) and
     * one left open (through guestfwd): everything it sent still reaches the host, because a clean exit
     * waits for the peers' acknowledgements.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void dataSentJustBeforeExitArrives(String profile) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Network net = Network.user().withGuestForward(new Network.GuestForward(7777, service.getLocalPort()))
                    .withHostForward(new Network.HostForward(Network.Protocol.TCP, 0, 8080)).withFreePorts();
            CompletableFuture<byte[]> open = CompletableFuture.supplyAsync(() -> readAll(service));
            try (NetDevice d = NetDevice.boot(buildApp(NET_EXIT_APP, profile), on(net))) {
                d.awaitConsole("net-exit: listening", Duration.ofSeconds(60));
                byte[] closed;
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), net.hostForwards().get(0).hostPort())) {
                    s.setSoTimeout(30_000);
                    closed = s.getInputStream().readAllBytes();
                }
                assertEquals(0, d.exitCode(Duration.ofSeconds(60)), d.console());
                byte[] rest = open.get(30, TimeUnit.SECONDS);
                assertEquals(196608, closed.length, "bytes through the closed connection; console:\n" + d.console());
                assertEquals(65536, rest.length, "bytes through the open connection; console:\n" + d.console());
                for (int i = 0; i < closed.length; i++) {
                    assertEquals((byte) (i * 7 % 251), closed[i], "byte " + i);
                }
            }
        }
    }

    private static byte[] readAll(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(30_000);
            return s.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepts one connection (through the device's guestfwd), reads its line, answers, closes. */
    private static String answerOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(30_000);
            byte[] line = new byte[64];
            int n = 0;
            for (int r; n < line.length && (n == 0 || line[n - 1] != '\n')
                    && (r = s.getInputStream().read(line, n, line.length - n)) > 0;) {
                n += r;
            }
            s.getOutputStream().write("hello from the host\n".getBytes(StandardCharsets.US_ASCII));
            return new String(line, 0, Math.max(0, n - 1), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void withoutANicTheDeviceGetsEnodev(String profile) throws Exception {
        // the profile has a NIC, but none is attached (mote run --no-net): the driver finds none
        Qemu.Boot b = Qemu.boot(buildApp(NET_APP, profile), Qemu.tcg().withDevices(new Devices(null, true)));
        assertTrue(b.console().contains("net-test: no NIC (MOTE_ENODEV), socket() -1 errno 19"), b.console());
        assertEquals(3, b.result().guestExitCode(), b.console());
        assertTrue(b.console().contains("net-test: random ok"), b.console());
        assertTrue(b.console().contains("[mote] random: seeded from virtio-rng and timer jitter"), b.console());
    }

    @ParameterizedTest
    @ValueSource(strings = {"other-board-arm64", "other-board-x86_64"})
    void aBoardWhoseProfileNamesNoNicGetsEnodev(String name) throws Exception {
        // the profile names no NIC: mote run attaches none and the kernel does not even probe
        Profile p = ProfileParser.parse(Fixtures.repo().resolve("sdk/src/test/resources/profiles/" + name
                + ".profile"), name);
        Path elf = tmp.resolve("net-" + name + ".elf");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(NET_APP, p, elf, BuildOptions.defaults());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunResult r = new QemuRunner(Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).run(elf, p, on(Network.user()), console);
        String c = console.toString(StandardCharsets.UTF_8);
        assertTrue(c.contains("net-test: no NIC (MOTE_ENODEV)"), c);
        assertTrue(c.contains("[mote] random: seeded from timer jitter"), "no entropy device named: " + c);
        assertEquals(3, r.guestExitCode(), c);
        assertTrue(r.command().stream().noneMatch(a -> a.contains("virtio-net")), "no NIC attached");
    }

    @Test
    void twoDevicesAtOnceNeverCollideOnPorts() throws Exception {
        Network a = Network.user().withHostForward(new Network.HostForward(Network.Protocol.TCP, 0, 7)).withFreePorts();
        Network b = Network.user().withHostForward(new Network.HostForward(Network.Protocol.TCP, 0, 7)).withFreePorts();
        int pa = a.hostForwards().get(0).hostPort(), pb = b.hostForwards().get(0).hostPort();
        assertNotEquals(pa, pb);
        byte[] data = new byte[256 * 1024];
        new Random(3).nextBytes(data);
        try (NetDevice da = NetDevice.boot(Qemu.build("echo", "qemu-virt-arm64", tmp), on(a));
                NetDevice db = NetDevice.boot(Qemu.build("echo", "qemu-microvm-x86_64", tmp), on(b))) {
            da.awaitConsole("echo: listening", Duration.ofSeconds(60));
            db.awaitConsole("echo: listening", Duration.ofSeconds(60));
            CompletableFuture<byte[]> fa = CompletableFuture.supplyAsync(() -> call(() -> exchange(pa, data)));
            CompletableFuture<byte[]> fb = CompletableFuture.supplyAsync(() -> call(() -> exchange(pb, data)));
            assertArrayEquals(data, fa.get(60, TimeUnit.SECONDS));
            assertArrayEquals(data, fb.get(60, TimeUnit.SECONDS));
            da.awaitConsole("262144 bytes echoed", Duration.ofSeconds(10));
            db.awaitConsole("262144 bytes echoed", Duration.ofSeconds(10));
        }
    }

    private interface IoCall<T> {
        T call() throws Exception;
    }

    private static <T> T call(IoCall<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
