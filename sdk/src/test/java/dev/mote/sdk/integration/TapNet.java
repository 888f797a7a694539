package dev.mote.sdk.integration;

import dev.mote.sdk.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private network for one device and Linux's own TCP: a network namespace this test creates
 * (and removes), a TAP device in it at {@link #LINUX_IP}, and our Ethernet relay
 * (src/test/resources/tap/relay.c, compiled here) between QEMU's {@code -netdev dgram} on
 * 127.0.0.1 and that TAP, dropping, reordering, duplicating and delaying frames as told. The Linux
 * peer (tap/peer.py) runs inside the namespace. Nothing is routed or reachable outside it except
 * the relay's UDP port on 127.0.0.1. Needs root, {@code ip netns}, /dev/net/tun and a C compiler:
 * {@link #unavailable()} says what is missing.
 */
final class TapNet implements AutoCloseable {
    static final String LINUX_IP = "192.168.77.1";
    static final String DEVICE_IP = "192.168.77.2";
    private static final Path RES = Fixtures.repo().resolve("sdk/src/test/resources/tap");
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration STEP = Duration.ofSeconds(90);

    private final String ns;
    private final int qemuPort;
    private final int relayPort;
    private final List<Process> procs = new ArrayList<>();
    private Line relay;
    private Line peer;

    /** One process's stdin and its stdout's lines, read by a thread as they come. */
    private record Line(Process p, PrintStream in, BlockingQueue<String> out) {
        static Line of(Process p) {
            BlockingQueue<String> q = new LinkedBlockingQueue<>();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null;) {
                        q.add(l);
                    }
                } catch (IOException e) {
                    q.add("fail: " + e);
                }
            }, "tapnet-reader");
            t.setDaemon(true);
            t.start();
            return new Line(p, new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8), q);
        }

        String ask(String command, Duration timeout) throws InterruptedException {
            if (command != null) {
                in.println(command);
            }
            String l = out.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (l == null) {
                throw new AssertionError("no answer to '" + command + "' within " + timeout.toSeconds() + " s"
                        + (p.isAlive() ? "" : " (the process ended: " + p.exitValue() + ")"));
            }
            return l;
        }
    }

    private TapNet(String ns) throws IOException {
        this.ns = ns;
        this.qemuPort = freeUdpPort();
        this.relayPort = freeUdpPort();
    }

    /** Why these tests cannot run here, or null when they can. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (a TAP device in a network namespace)";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "needs /dev/net/tun";
        }
        try {
            if (exec(Duration.ofSeconds(10), "ip", "netns", "list") != 0) {
                return "`ip netns list` failed: network namespaces are unavailable";
            }
            if (exec(Duration.ofSeconds(10), "cc", "--version") != 0) {
                return "needs a C compiler (cc) for the relay";
            }
        } catch (IOException e) {
            return "needs iproute2 (ip) and cc: " + e.getMessage();
        }
        return null;
    }

    /**
     * Creates the namespace and its TAP, starts the relay (seeded with {@code seed}) and the Linux
     * peer. Close it to remove everything.
     */
    static TapNet start(Path tmp, long seed) throws Exception {
        TapNet t = new TapNet("mote-tap-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        try {
            t.setUp(tmp, seed);
            return t;
        } catch (Exception | AssertionError e) {
            t.close();
            throw e;
        }
    }

    private void setUp(Path tmp, long seed) throws Exception {
        Path relayBin = tmp.resolve("relay");
        check(exec(Duration.ofSeconds(60), "cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", relayBin.toString(),
                RES.resolve("relay.c").toString()), "compiling the relay");
        check(exec(Duration.ofSeconds(10), "ip", "netns", "add", ns), "ip netns add " + ns);
        ipn("tuntap", "add", "dev", "tap0", "mode", "tap");
        ipn("addr", "add", LINUX_IP + "/24", "dev", "tap0");
        ipn("link", "set", "lo", "up");
        relay = Line.of(spawn(relayBin.toString(), "--netns", ns, "--tap", "tap0", "--listen",
                String.valueOf(relayPort), "--qemu", String.valueOf(qemuPort), "--seed", String.valueOf(seed)));
        expect(relay.ask(null, Duration.ofSeconds(10)), "ready");
        ipn("link", "set", "tap0", "up");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        peer = Line.of(spawn("ip", "netns", "exec", ns, python, "-u", RES.resolve("peer.py").toString(), DEVICE_IP));
        expect(peer.ask(null, Duration.ofSeconds(20)), "peer ready");
    }

    /** The QEMU arguments for the board's NIC on this network (instead of mote run's slirp). */
    List<String> qemuArgs() {
        return List.of("-netdev", "dgram,id=tap0,local.type=inet,local.host=127.0.0.1,local.port=" + qemuPort
                + ",remote.type=inet,remote.host=127.0.0.1,remote.port=" + relayPort,
                "-device", "virtio-net-device,netdev=tap0");
    }

    /** Tells the relay its conditions ({@code loss=0.05 reorder=0.05 ...}, see relay.c). */
    void conditions(String settings) throws InterruptedException {
        expect(relay.ask("set " + settings, Duration.ofSeconds(10)), "ok");
    }

    /** Zeroes the relay's counters. */
    void resetStats() throws InterruptedException {
        expect(relay.ask("reset", Duration.ofSeconds(10)), "ok");
    }

    /** The relay's counters (relay.c). */
    Map<String, Long> stats() throws InterruptedException {
        String l = relay.ask("stats", Duration.ofSeconds(10));
        expect(l, "stats ");
        Map<String, Long> m = new HashMap<>();
        for (String kv : l.substring(6).split(" ")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], Long.parseLong(p[1]));
        }
        return m;
    }

    /** Starts the Linux peer's half of a step ({@code recv 5001 1 1048576}, see peer.py). */
    void peerStart(String command) {
        peer.in().println(command);
    }

    /** The peer's answer to the step started last ("ok ..." or "fail ..."). */
    String peerResult() throws InterruptedException {
        return peer.ask(null, STEP);
    }

    @Override
    public void close() {
        for (Process p : procs) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : procs) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            exec(Duration.ofSeconds(10), "ip", "netns", "del", ns);   // takes the TAP with it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Process spawn(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        procs.add(p);
        return p;
    }

    private void ipn(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        check(exec(Duration.ofSeconds(10), cmd.toArray(String[]::new)), String.join(" ", cmd));
    }

    private static void expect(String line, String prefix) {
        if (!line.startsWith(prefix)) {
            throw new AssertionError("expected '" + prefix + "...', got '" + line + "'");
        }
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new AssertionError(what + ": exit " + status);
        }
    }

    /** Runs cmd (its output to ours); its exit status, or -1 if it did not end in time. */
    static int exec(Duration timeout, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return -1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
