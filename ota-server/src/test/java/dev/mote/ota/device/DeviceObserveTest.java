package dev.mote.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.cli.Main;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Seeing inside real devices (issue 15, docs/debugging.md): examples/telemetry built with
 * TELEMETRY_SHELL=1 under QEMU (an ARM64 and an x86_64 device provisioned with the remote shell
 * on, an x86_64 one with it off), `mote ota serve` with its embedded broker, and the kernel's
 * crash records, logs, heartbeat and remote shell on the OTA agent's MQTT connection. The cases
 * run in order on the same devices: shell commands through `mote ota shell`, audited; a shell
 * that is off stays off; another device cannot send commands; a crash reaches the server within
 * 5 s of the reboot and a second one counts in the same group; logs and heartbeats arrive and
 * are bounded; a power cut while a crash record is written leaves a device that boots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class DeviceObserveTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SHELL_APP = "TELEMETRY_SHELL=1";

    private DeviceLab lab;
    private QemuDevice arm;
    private QemuDevice x86;
    private QemuDevice off;

    @BeforeAll
    @Timeout(600)
    void devicesOnline() throws Exception {
        lab = new DeviceLab(Files.createTempDirectory("mote-observe-e2e"));
        lab.startServer();
        arm = lab.device("arm-1", DeviceLab.ARM, lab.telemetry(DeviceLab.ARM, "1.0.0", 0, lab.fleet, SHELL_APP),
                "lab", List.of(), 16384, true).powerOn();
        x86 = lab.device("x86-1", DeviceLab.X86, lab.telemetry(DeviceLab.X86, "1.0.0", 0, lab.fleet, SHELL_APP),
                "lab", List.of(), 16384, true).powerOn();
        off = lab.device("x86-off", DeviceLab.X86, lab.telemetry(DeviceLab.X86, "1.0.0", 0, lab.fleet, SHELL_APP),
                "lab", List.of(), 16384, false).powerOn();
        Await.await(() -> lab.api.get("api/devices?online=true").size() == 3, Duration.ofSeconds(180),
                "three devices online" + lab.report());
        arm.await("remote shell on", WAIT);
        x86.await("remote shell on", WAIT);
        off.await("remote shell off", WAIT);
    }

    @AfterAll
    void devicesOff() {
        if (lab != null) {
            lab.close();
        }
    }

    /** What `mote ota shell ID COMMAND` printed, and its exit status. */
    record Cli(int exit, String out, String err) {
    }

    private Cli ota(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), lab.dir, false);
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = "http://127.0.0.1:" + lab.httpPort;
        all[args.length + 2] = "--data";
        all[args.length + 3] = lab.data.toString();
        int exit = Main.fromArgs(all, ctx).run();
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Cli shell(QemuDevice d, String command) {
        Cli r = ota("shell", d.id, command);
        assertEquals(0, r.exit(), d.id + " '" + command + "': " + r + d.tail());
        return r;
    }

    @Test
    @Order(1)
    void shellCommandsOverMqttOnBothArchesAreAnsweredAndAudited() throws Exception {
        for (QemuDevice d : List.of(arm, x86)) {
            String ps = shell(d, "ps").out();
            assertTrue(ps.startsWith("  ID PRIO STATE     CPU%    STACK     PEAK NAME\n"), ps);
            for (String thread : List.of(" main", " net", " observe", " mqtt")) {
                assertTrue(ps.contains(thread), d.id + ": no thread" + thread + " in\n" + ps);
            }
            for (String row : ps.substring(ps.indexOf('\n') + 1).split("\n")) {
                String[] f = row.trim().split("\\s+");
                long stack = Long.parseLong(f[4]);
                long peak = Long.parseLong(f[5]);
                assertTrue(peak > 0 && peak <= stack, d.id + ": stack mark out of range: " + row);
            }
            String netstat = shell(d, "netstat").out();
            assertTrue(netstat.lines().anyMatch(l -> l.startsWith("tcp") && l.contains(":" + lab.mqttPort + " ")
                    && l.contains("ESTABLISHED")), d.id + ": no connection to the broker's port " + lab.mqttPort
                    + " in\n" + netstat);
            String ping = shell(d, "ping 10.0.2.2 2").out();
            assertTrue(ping.contains("reply from 10.0.2.2") && !ping.contains(" 0 received"), ping);
            System.out.printf("--- %s: ps\n%s--- netstat\n%s--- ping 10.0.2.2 2\n%s", d.id, ps, netstat, ping);
            Cli unknown = ota("shell", d.id, "nosuch");
            assertEquals(1, unknown.exit());
            assertTrue(unknown.out().startsWith("error: ") && unknown.err().contains("exited with 127"),
                    unknown.toString());
        }
        MoteException overlong = assertThrows(MoteException.class,
                () -> lab.api.post("api/devices/arm-1/shell", Map.of("command", "x".repeat(300))));
        assertTrue(overlong.getMessage().contains("longer than 255"), overlong.getMessage());
        JsonNode audit = lab.api.get("api/shell/audit?device=arm-1");
        List<String> commands = audit.findValuesAsText("command");
        assertTrue(commands.containsAll(List.of("ps", "netstat", "ping 10.0.2.2 2", "nosuch")), audit.toString());
        for (JsonNode a : audit) {
            assertTrue(a.get("who").asText().startsWith("admin"), a.toString());
            if (a.get("command").asText().equals("ps")) {
                assertEquals(0, a.get("exit").asInt(), a.toString());
            }
        }
    }

    @Test
    @Order(2)
    void aDeviceWithoutTheShellFlagNeverRunsACommand() throws Exception {
        Cli r = ota("shell", off.id, "reboot");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("did not answer") && r.err().contains("--shell"), r.toString());
        JsonNode audit = lab.api.get("api/shell/audit?device=x86-off");
        assertEquals(1, audit.size(), audit.toString());
        assertTrue(audit.get(0).get("exit").isNull(), "no answer: " + audit);
        assertEquals(0, off.count("[mote] rebooting"), off.tail());
        assertEquals(1, off.boots());
    }

    @Test
    @Order(3)
    void anotherDeviceCannotSendCommandsThroughTheBroker() throws Exception {
        lab.api.post("api/devices/provision", Map.of("ids", List.of("mallory-1"), "group", "lab", "tags", List.of()));
        String password = Credentials.load(lab.data).devicePassword("mallory-1");
        int boots = arm.count("booted in");
        int audits = lab.api.get("api/shell/audit?device=arm-1").size();
        Mqtt3BlockingClient m = MqttClient.builder().useMqttVersion3().identifier("mallory-1")
                .serverHost("127.0.0.1").serverPort(lab.mqttPort).buildBlocking();
        m.connectWith().cleanSession(true).simpleAuth().username("mallory-1")
                .password(password.getBytes(StandardCharsets.US_ASCII)).applySimpleAuth().send();
        try {
            for (int i = 0; i < 3; i++) {
                try {
                    m.publishWith().topic("mote/dev/arm-1/down/shell").qos(MqttQos.AT_LEAST_ONCE)
                            .payload(("shell id=" + (900 + i) + "\nfault").getBytes(StandardCharsets.US_ASCII)).send();
                } catch (RuntimeException refused) {
                    break;   // the broker closed the connection: refused outright
                }
            }
        } finally {
            if (m.getState().isConnected()) {
                m.disconnect();
            }
        }
        Thread.sleep(3000);     // a command that got through would crash it at its next reading (1 s)
        assertEquals(boots, arm.count("booted in"), "arm-1 ran mallory's command" + arm.tail());
        assertEquals(0, arm.count("faulting at the next reading"), arm.tail());
        assertEquals(audits, lab.api.get("api/shell/audit?device=arm-1").size());
        assertTrue(shell(arm, "uptime").out().startsWith("up "), "the server's own commands still run");
    }

    /**
     * Crashes d with the `fault` command; ms from the next boot's first line to the record counted
     * on the server (the group's count then: {@code groupCount}).
     */
    private long crashAndTime(QemuDevice d, int groupCount) throws Exception {
        int boots = d.count("booted in");
        assertTrue(shell(d, "fault").out().contains("faulting"));
        assertTrue(spin(() -> d.count("booted in") > boots, WAIT), d.id + ": no reboot" + d.tail());
        long rebooted = System.nanoTime();
        assertTrue(spin(() -> {
            JsonNode g = lab.api.get("api/crashes?device=" + d.id);
            return g.size() == 1 && g.get(0).get("count").asLong() == groupCount;
        }, WAIT), d.id + ": crash group count " + groupCount + lab.report());
        long ms = (System.nanoTime() - rebooted) / 1_000_000;
        System.out.printf("%s: reboot -> crash record on the server: %d ms%n", d.id, ms);
        return ms;
    }

    @Test
    @Order(4)
    void aCrashReachesTheServerWithinSecondsAndASecondOneCountsInTheSameGroup() throws Exception {
        long first = crashAndTime(arm, 1);
        JsonNode g = lab.api.get("api/crashes?device=arm-1").get(0);
        assertEquals("1.0.0", g.get("version").asText(), g.toString());
        assertTrue(g.get("frames").toString().contains("sensor_store"), g.toString());
        assertTrue(arm.console().contains("kept in flash"), arm.tail());
        long second = crashAndTime(arm, 2);
        JsonNode g2 = lab.api.get("api/crashes?device=arm-1").get(0);
        assertEquals(g.get("id").asLong(), g2.get("id").asLong(), "the same group");
        // the same function names and version on the other arch: the same group, another device
        long x86ms = crashAndTime(x86, 3);
        JsonNode perDevice = lab.api.get("api/crashes/" + g.get("id").asLong()).get("perDevice");
        assertEquals(2, perDevice.size(), perDevice.toString());
        assertTrue(first <= 5000 && second <= 5000 && x86ms <= 5000,
                "crash record on the server after the reboot: " + first + ", " + second + ", " + x86ms + " ms");
        // acknowledged: the device marks its records and does not send them again
        Await.await(() -> shell(arm, "crash").out().lines().filter(l -> l.startsWith("record "))
                .allMatch(l -> l.endsWith(" acked")), WAIT, "records acknowledged" + arm.tail());
        for (JsonNode d : lab.api.get("api/crashes/" + g.get("id").asLong()).get("perDevice")) {
            assertEquals(d.get("device").asText().equals("arm-1") ? 2 : 1, d.get("count").asLong(), d.toString());
        }
    }

    @Test
    @Order(5)
    void logsAndHeartbeatsArriveAndAreBounded() throws Exception {
        assertTrue(shell(arm, "spam 400").out().contains("logged 400 warnings"));
        Await.await(() -> spam(lab.api.get("api/devices/arm-1/logs?limit=5000")) > 0, WAIT,
                "spam on the server" + lab.report());
        // batches of at most 2 KiB every 5 s from a 4 KiB ring: the newest arrive, the oldest were dropped
        JsonNode logs = Await.poll(() -> lab.api.get("api/devices/arm-1/logs?limit=5000"),
                l -> l.toString().contains("telemetry: spam 400 of 400"), WAIT);
        int n = spam(logs);
        assertTrue(n > 0 && n < 400, "the log ring and the batches bound what is shipped: " + n + " of 400");
        assertTrue(logs.toString().contains(" W observe: telemetry: spam 400 of 400"), logs.toString());
        JsonNode m = Await.poll(() -> lab.api.get("api/devices/arm-1/metrics"), x -> x.size() >= 2, WAIT);
        JsonNode f = m.get(m.size() - 1).get("fields");
        assertTrue(f.get("uptime_ms").asLong() > 0, f.toString());
        assertTrue(!f.get("reboot").asText().equals("power-on"), "the last reboot was a crash: " + f);
        assertTrue(f.get("cpu").asText().contains("observe"), f.toString());
        assertTrue(lab.api.get("api/devices/arm-1/metrics?limit=5000").size() <= 1440);
    }

    /** Polls every 5 ms (Await backs off to 100 ms): for timings and for landing a power cut. */
    private static boolean spin(Await.Condition c, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static int spam(JsonNode logs) {
        int n = 0;
        for (JsonNode l : logs) {
            n += l.get("line").asText().contains("telemetry: spam ") ? 1 : 0;
        }
        return n;
    }

    @Test
    @Order(6)
    void aPowerCutWhileACrashRecordIsWrittenLeavesADeviceThatBoots() throws Exception {
        // the record is written right after the report's thread list (observe is its last row) and
        // the last log lines: cut there, until a cut lands
        // before the "kept in flash" line (in the write, or just before it), 3 tries at most
        boolean inside = false;
        for (int attempt = 0; attempt < 3 && !inside; attempt++) {
            int boots = arm.count("booted in");
            int lists = arm.count("\nthreads:");
            int kept = arm.count("kept in flash");
            int connects = arm.count("mqtt: connected");
            assertTrue(shell(arm, "fault").out().contains("faulting"));
            assertTrue(arm.powerCutWhen(c -> count(c, "\nthreads:") > lists && lastRowPrinted(c), Duration.ofSeconds(20)),
                    "no crash report" + arm.tail());
            inside = arm.count("kept in flash") == kept;
            System.out.println("power cut " + (inside ? "before the end of" : "after") + " the crash record's write");
            arm.await("booted in", boots + 1, WAIT);
            arm.await("mqtt: connected", connects + 1, WAIT);
            String list = shell(arm, "crash").out();
            assertTrue(list.matches("(?s)\\d+ records\n.*"), list);
        }
        assertTrue(shell(arm, "uptime").out().startsWith("up "));
        assertTrue(lab.api.get("api/crashes?device=arm-1").size() == 1, "the earlier crashes are still one group");
    }

    /** The crash report's thread list is out to its last row (observe; lines end in CR LF or LF). */
    private static boolean lastRowPrinted(String console) {
        String report = console.substring(console.lastIndexOf("\nthreads:"));
        return report.contains(" observe\r") || report.contains(" observe\n");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
