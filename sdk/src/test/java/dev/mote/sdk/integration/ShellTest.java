package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.Network;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The debug shell on the console of both QEMU boards, driven through QEMU's stdin as a person
 * types: every command's output parsed and checked (sdk/src/test/resources/apps/shell), lines it
 * must refuse, and crash records: a crash, the reboot, the record read back; a record cut short
 * by a power cut leaves a device that boots and keeps the next record.
 */
class ShellTest {
    static final SigningKey KEY = SigningKey.generate();
    static final Path APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/shell");
    static final Path CACHE = Fixtures.repo().resolve("sdk/target/test-bootloaders");
    static final Duration RUN = Duration.ofSeconds(240);

    @TempDir
    Path tmp;

    private Path build(String profile, String... defines) throws IOException {
        return buildVersion(profile, "1.2.3", defines);
    }

    private Path buildVersion(String profile, String version, String... defines) throws IOException {
        Path out = tmp.resolve("shell-" + version + String.join("_", defines) + "-" + profile + ".img");
        BuildOptions o = new BuildOptions(List.of(defines), 0, false, KEY, Version.parse("version", version), 1);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(APP, Fixtures.profile(profile), out, o);
        return out;
    }

    private static Path elfOf(Path img) {
        return img.resolveSibling(img.getFileName().toString().replace(".img", ".elf"));
    }

    /** The ELF booted directly (no bootloader, no flash records). */
    private static ShellConsole bootElf(Path elf, RunOptions o) throws Exception {
        Profile p = QemuRunner.profileFor(elf, null, Fixtures.registry());
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return ShellConsole.start(o, (opts, out) -> new QemuRunner(Fixtures.tools(), err).run(elf, p, opts, out),
                elf.toAbsolutePath().toString());
    }

    /** The board powered on with this flash: the bootloader (trusting KEY) starts slot A. */
    private static ShellConsole bootFlash(Path flash, String profile) throws Exception {
        PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return ShellConsole.start(Qemu.tcg().withTimeout(RUN), (opts, out) -> new BootChain(Fixtures.sdk(),
                Fixtures.tools(), err, CACHE).run(flash, Fixtures.profile(profile), List.of(KEY.publicKey()), opts, out),
                flash.toAbsolutePath().toString());
    }

    private Path flashWith(String profile, Path img) throws IOException {
        Path f = tmp.resolve("flash-" + profile + ".bin");
        FlashImage.forProfile(Fixtures.profile(profile)).withImage(Slot.A, img).write(f);
        return f;
    }

    /** Slot A confirmed, slot B pending: the next boot starts B in TEST. */
    private Path flashWithPending(String profile, Path a, Path b) throws IOException {
        Path f = tmp.resolve("flash-pending-" + profile + ".bin");
        FlashImage.forProfile(Fixtures.profile(profile)).withImage(Slot.A, a).withImage(Slot.B, b)
                .withBootState(BootState.fresh(Slot.A, Slot.B, 1)).write(f);
        return f;
    }

    record Row(int id, String prio, String state, double cpu, long stack, long peak, String name) {
    }

    /** ps/top's table: the header, then one row per thread, the name last. */
    static List<Row> table(String out) {
        List<String> lines = new ArrayList<>(out.lines().toList());
        while (!lines.isEmpty() && !lines.get(0).startsWith("  ID PRIO STATE")) {
            lines.remove(0);
        }
        assertTrue(!lines.isEmpty(), "no thread table:\n" + out);
        List<Row> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.trim().split("\\s+", 7);
            rows.add(new Row(Integer.parseInt(f[0]), f[1], f[2], Double.parseDouble(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), f[6]));
        }
        return rows;
    }

    static Row row(List<Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name + " in " + rows));
    }

    /** "key value" lines. */
    static Map<String, String> keyValues(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        out.lines().forEach(l -> {
            int sp = l.indexOf(' ');
            if (sp > 0) {
                m.put(l.substring(0, sp), l.substring(sp + 1));
            }
        });
        return m;
    }

    /** "metrics k=v k=v ..." */
    static Map<String, String> fields(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String w : line.trim().split(" ")) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                m.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void everyConsoleCommandAnswers(String profile) throws Exception {
        Path elf = elfOf(build(profile));
        try (ShellConsole c = bootElf(elf, Qemu.tcg().withTimeout(RUN))) {
            String help = c.run("help");
            for (String cmd : List.of("help", "ps", "top", "mem", "uptime", "boot", "log", "trace", "crash",
                    "metrics", "reboot", "ifconfig", "netstat", "arp", "ping", "hello", "boom", "quit")) {
                assertTrue(help.contains("\n" + cmd + " ") || help.startsWith(cmd + " "), cmd + " missing:\n" + help);
            }

            c.run("ps");   // the next ps measures from here
            Thread.sleep(1000);
            List<Row> ps = table(c.run("ps"));
            for (String t : List.of("idle", "timer", "main", "worker", "sleeper", "shell")) {
                Row r = row(ps, t);
                assertTrue(r.peak() > 0 && r.peak() < r.stack(), "stack use of " + r);
            }
            assertEquals("5", row(ps, "worker").prio());
            // asleep, or woken a moment ago while the shell (above it) runs ps
            assertTrue(List.of("sleeping", "ready").contains(row(ps, "sleeper").state()), ps.toString());
            assertEquals("running", row(ps, "shell").state());
            assertEquals(8192, row(ps, "worker").stack());
            assertEquals(4096, row(ps, "sleeper").stack());
            double total = ps.stream().mapToDouble(Row::cpu).sum();
            assertTrue(total > 95 && total < 105, "CPU % add up to " + total + ": " + ps);
            assertTrue(row(ps, "worker").cpu() > 5, "the worker spins 20 ms in 100: " + ps);

            String top = c.run("top 1");
            Matcher busy = Pattern.compile("cpu busy (\\d+)\\.\\d% over (\\d+) ms").matcher(top);
            assertTrue(busy.find(), top);
            assertTrue(Integer.parseInt(busy.group(2)) >= 1000, top);
            assertEquals("idle", table(top).get(0).name(), "the idle thread has most of the CPU: " + top);

            Map<String, String> mem = keyValues(c.run("mem"));
            assertEquals(List.of("ram_total", "pages_free", "heap_used", "heap_peak", "heap_free",
                    "heap_largest_free"), List.copyOf(mem.keySet()));
            assertTrue(Long.parseLong(mem.get("heap_peak")) >= Long.parseLong(mem.get("heap_used")), mem.toString());
            assertTrue(Long.parseLong(mem.get("heap_largest_free")) <= Long.parseLong(mem.get("heap_free")));

            assertTrue(c.run("uptime").matches("up 0d 00:00:\\d\\d\\.\\d{3} \\(\\d+ ms\\)\\n"), c.console());
            String log = c.run("log");
            assertTrue(log.matches("(?s)\\d+\\.\\d{3} W main: shell test app starting\\n.*"), log);
            assertTrue(log.contains(" I worker: worker pass 0\n"), log);

            assertEquals("", c.run("trace on"));
            Thread.sleep(500);
            String dump = c.run("trace dump");
            Matcher tid = Pattern.compile(" (\\d+)=worker").matcher(dump);
            assertTrue(tid.find(), dump);
            assertTrue(dump.contains(" " + tid.group(1) + " sleep ms=80\n"), dump);
            assertTrue(dump.contains(" switch to=" + tid.group(1) + " from="), dump);
            assertTrue(c.run("trace off").isEmpty());
            assertTrue(c.run("trace").matches("trace off\nevents \\d+ of 682, 0 dropped\n"), c.console());

            assertEquals("hello, there\n", c.run("hello there"));
            assertEquals("hello, a b\n", c.run("hello 'a b'"));
            Map<String, String> m = fields(c.run("metrics"));
            assertEquals("power-on", m.get("reboot"));
            assertEquals("none", m.get("last_crash"));
            assertTrue(m.get("cpu").contains("worker:"), m.toString());
            assertTrue(c.run("boot").startsWith("error: no boot state"), c.console());
            assertEquals("error: this image has no network\n", c.run("ifconfig"));
            assertEquals("error: this image has no network\n", c.run("netstat"));

            // lines that must run nothing and say why, in one line
            assertEquals("error: unknown command 'nosuch'; 'help' lists the commands\n", c.run("nosuch x"));
            assertEquals("error: the line is longer than 255 bytes; nothing was run\n", c.run("hello " + "x".repeat(300)));
            assertEquals("error: byte 0x01 at column 7 is not text; nothing was run\n",
                    c.runBytes("hello \u0001boom\n".getBytes(StandardCharsets.ISO_8859_1)));
            assertEquals("error: byte 0xc3 at column 1 is not text; nothing was run\n",
                    c.runBytes(new byte[] {(byte) 0xc3, (byte) 0xa9, 'b', 'o', 'o', 'm', '\n'}));
            assertEquals("error: unterminated quote; nothing was run\n", c.run("hello 'x"));
            assertEquals("usage: top [SECONDS]  (1..60, default 1)\n", c.run("top 0"));
            assertEquals("", c.run(""));
            assertTrue(c.run("log").contains(" I worker: worker pass"), "still running");

            c.send("quit 7");
            assertEquals(7, c.exitCode(RUN));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void networkCommandsShowTheConnectionAndPingTheGateway(String profile) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path elf = elfOf(build(profile, "NET_PORT=9000"));
            Network net = Network.user().withGuestForward(new Network.GuestForward(9000, server.getLocalPort()));
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket s = server.accept();
                    InputStream in = s.getInputStream();
                    in.readNBytes(3);
                    return s;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            RunOptions o = Qemu.tcg().withTimeout(RUN).withDevices(Devices.standard().withNetwork(net));
            try (ShellConsole c = bootElf(elf, o); Socket peer = accepted.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                assertTrue(c.console().contains("shell app: connected to the host: 0"), c.console());
                Map<String, String> ifc = keyValues(c.run("ifconfig"));
                assertTrue(ifc.get("eth0").startsWith("up mac 52:54:00:"), ifc.toString());
                assertTrue(ifc.get("inet").startsWith("10.0.2.15 netmask 255.255.255.0"), ifc.toString());
                assertTrue(ifc.get("dhcp").equals("server 10.0.2.2"), ifc.toString());
                assertTrue(ifc.get("rx").matches("frames [1-9]\\d* bytes \\d+ dropped \\d+"), ifc.toString());

                String ns = c.run("netstat");
                assertTrue(ns.startsWith("PROTO LOCAL"), ns);
                assertTrue(ns.lines().anyMatch(l -> l.matches("tcp\\s+10\\.0\\.2\\.15:\\d+\\s+10\\.0\\.2\\.100:9000\\s+"
                        + "ESTABLISHED\\s+0\\s+0\\s+\\d+")), ns);

                String ping = c.run("ping 10.0.2.2");
                assertTrue(ping.startsWith("PING 10.0.2.2 (10.0.2.2): 56 data bytes\n"), ping);
                assertTrue(ping.contains("3 sent, 3 received, 0% loss"), ping);
                assertTrue(ping.lines().filter(l -> l.matches("seq \\d: reply from 10\\.0\\.2\\.2 time \\d+ ms")).count() == 3,
                        ping);

                String arp = c.run("arp");
                assertTrue(arp.lines().anyMatch(l -> l.matches("10\\.0\\.2\\.2\\s+52:55:0a:00:02:02 ok\\s+-?\\d+")), arp);
                assertTrue(c.run("ping no.such.host 1").startsWith("error: cannot resolve no.such.host"), c.console());
                assertTrue(c.run("ifconfig -a").contains("counter rx_frames "), c.console());
                c.send("quit 0");
                assertEquals(0, c.exitCode(RUN));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aCrashIsKeptInFlashAndReadAfterTheReboot(String profile) throws Exception {
        Path flash = flashWith(profile, build(profile));
        try (ShellConsole c = bootFlash(flash, profile)) {
            Map<String, String> boot = keyValues(c.run("boot"));
            assertEquals("slot_a 1.2.3", boot.get("running"));
            assertEquals("shell 1.2.3 counter 1", boot.get("slot_a"));
            assertEquals("no", boot.get("testing"));
            assertEquals("0", boot.get("min_security_counter"), "the floor rises when an image confirms");
            assertEquals("0 records\n", c.run("crash"));
            c.send("boom");
            assertEquals(101, c.exitCode(RUN), c.console());
            assertTrue(c.console().contains("[mote] crash record 1 kept in flash ("), c.console());
        }
        try (ShellConsole c = bootFlash(flash, profile)) {
            assertTrue(c.console().contains("[mote] the last boot ended in a crash (null-pointer); 'crash show'"),
                    c.console());
            assertTrue(c.run("crash").matches("1 records\nrecord 1 bytes \\d+ lost 0 seen\n"), c.console());
            String rec = c.run("crash show");
            Map<String, String> head = fields(rec.lines().findFirst().orElse(""));
            assertEquals("1", head.get("seq"), rec);
            assertEquals("null-pointer", head.get("kind"));
            assertEquals("0x4", head.get("addr"));
            assertEquals("worker", head.get("thread"));
            assertEquals("1.2.3", head.get("version"));
            assertTrue(head.get("build").matches("[0-9a-f]{16}"), rec);
            assertEquals("a", head.get("slot"));
            assertEquals("0", head.get("test"));
            assertTrue(rec.contains("*** FAULT in thread 'worker': null pointer dereference (write to address 0x4)"), rec);
            List<String> names = Pattern.compile("  #\\d+\\s+0x[0-9a-f]+ (\\w+)\\+").matcher(rec).results()
                    .map(r -> r.group(1)).toList();
            assertEquals(List.of("sensor_store", "sensor_poll", "worker", "thread_entry"), names, rec);
            assertTrue(rec.contains("\nthreads:\n"), rec);
            assertTrue(rec.lines().anyMatch(l -> l.matches("\\s+\\d+\\s+5 running\\s+stack 8192 peak \\d+ cpu_ms \\d+ worker")), rec);
            assertTrue(rec.contains("\nlog:\n") && rec.contains(" E shell: boom requested"), rec);
            Map<String, String> m = fields(c.run("metrics"));
            assertEquals("null-pointer", m.get("reboot"));
            assertEquals("1", m.get("last_crash"));
            c.send("quit 0");
            assertEquals(0, c.exitCode(RUN));
        }
        // the reason is given once: the next boot started normally
        try (ShellConsole c = bootFlash(flash, profile)) {
            assertEquals("power-on", fields(c.run("metrics")).get("reboot"));
            c.send("quit 0");
            assertEquals(0, c.exitCode(RUN));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aTestImageThatNeverConfirmsLeavesARecordOfItsTrial(String profile) throws Exception {
        Path flash = flashWithPending(profile, build(profile), buildVersion(profile, "2.0.0", "SHORT_CONFIRM"));
        try (ShellConsole c = bootFlash(flash, profile)) {
            Map<String, String> boot = keyValues(c.run("boot"));
            assertEquals("slot_b 2.0.0", boot.get("running"));
            assertEquals("yes", boot.get("testing"));
            assertEquals(103, c.exitCode(RUN), c.console());   // the TEST watchdog, 3 s after boot
            assertTrue(c.console().contains("TEST image not confirmed within 3000 ms"), c.console());
            assertTrue(c.console().contains("[mote] crash record 1 kept in flash"), c.console());
        }
        try (ShellConsole c = bootFlash(flash, profile)) {   // reverted to slot A
            assertEquals("slot_a 1.2.3", keyValues(c.run("boot")).get("running"));
            Map<String, String> head = fields(c.run("crash show").lines().findFirst().orElse(""));
            assertEquals("test-watchdog", head.get("kind"), c.console());
            assertEquals("2.0.0", head.get("version"));
            assertEquals("b", head.get("slot"));
            assertEquals("1", head.get("test"));
            assertEquals("test-watchdog", fields(c.run("metrics")).get("reboot"));
            c.send("quit 0");
            assertEquals(0, c.exitCode(RUN));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aRecordCutShortByAPowerCutLeavesABootableDevice(String profile) throws Exception {
        Path flash = flashWith(profile, build(profile));
        try (ShellConsole c = bootFlash(flash, profile)) {
            c.send("boom");
            assertEquals(101, c.exitCode(RUN), c.console());
        }
        // a second crash's write cut after half its bytes: copy 1 holds the front half of a record
        Partition persist = Fixtures.profile(profile).partition("persist");
        long copy0 = persist.offset() + 16 * 1024, copy1 = copy0 + 4096;
        try (RandomAccessFile f = new RandomAccessFile(flash.toFile(), "rw")) {
            byte[] rec = new byte[4096];
            f.seek(copy0);
            f.readFully(rec);
            int len = 32 + (rec[12] & 0xff | (rec[13] & 0xff) << 8);
            rec[8] = 2;                                   // seq 2
            f.seek(copy1);
            f.write(Arrays.copyOf(rec, len / 2));
        }
        try (ShellConsole c = bootFlash(flash, profile)) {
            assertTrue(c.run("crash").matches("1 records\nrecord 1 bytes \\d+ lost 0 seen\n"), c.console());
            assertTrue(c.run("hello").contains("hello, world"));
            c.send("boom");
            assertEquals(101, c.exitCode(RUN), c.console());
            assertTrue(c.console().contains("[mote] crash record 2 kept in flash"), c.console());
        }
        try (ShellConsole c = bootFlash(flash, profile)) {
            String list = c.run("crash");
            assertTrue(list.matches("2 records\nrecord 1 bytes \\d+ lost 0 seen\nrecord 2 bytes \\d+ lost 0 seen\n"), list);
            assertTrue(c.run("crash show 2").startsWith("crash seq=2 kind=null-pointer"), c.console());
            c.send("quit 0");
            assertEquals(0, c.exitCode(RUN));
        }
    }
}
