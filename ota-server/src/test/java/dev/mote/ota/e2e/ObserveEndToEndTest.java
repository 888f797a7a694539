package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.mqtt.BrokerUrl;
import dev.mote.ota.protocol.ShellCommand;
import dev.mote.ota.protocol.Topics;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.Behaviour;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.ObserveSpec;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash records, logs, metrics and the remote shell end to end on loopback: the server with its
 * embedded broker and database, the REST API as the CLI uses it, and simulated devices that
 * speak docs/ota-protocol.md's up/crash, up/log, up/metrics and down/shell as the C agent does.
 */
@Timeout(180)
class ObserveEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<String> FRAMES = List.of("sensor_store", "sensor_poll", "app_main", "main_thread",
            "thread_entry");

    @TempDir
    Path data;
    private OtaServer server;
    private OtaClient api;
    private Simulator sim;

    @BeforeEach
    void start() throws Exception {
        server = OtaServer.start(new OtaServer.Config(data, TestKeys.trusted(), "127.0.0.1", 0, 0, null,
                FleetConfig.DEFAULTS));
        api = Fleetlab.client(server.restUri(), server.adminToken());
        sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()));
    }

    @AfterEach
    void stop() {
        sim.close();
        server.close();
    }

    private SimulatedDevice device(String id, ObserveSpec o) throws Exception {
        return device(id, o, Behaviour.CONFIRM);
    }

    private SimulatedDevice device(String id, ObserveSpec o, Behaviour b) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("ids", List.of(id));
        body.put("group", "lab");
        String password = api.post("api/devices/provision", body).get(0).get("password").asText();
        return sim.add(DeviceSpec.of(id, password, TestImage.ARM, "1.0.0", TestKeys.trusted()).withBehaviour(b)
                .withObserve(o));
    }

    private void awaitOnline(int n) throws Exception {
        Fleetlab.await(api, "api/devices?online=true", d -> d.size() == n, WAIT);
    }

    @Test
    void aCrashReachesTheServerIsGroupedAndCleared() throws Exception {
        SimulatedDevice d1 = device("crashy-1", ObserveSpec.DEFAULTS);
        SimulatedDevice d2 = device("crashy-2", ObserveSpec.DEFAULTS);
        sim.start();
        awaitOnline(2);
        long t0 = System.nanoTime();
        d1.crash("null-pointer", FRAMES);
        JsonNode groups = Fleetlab.await(api, "api/crashes", g -> g.size() == 1, WAIT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("simulated crash -> reboot -> record on the server: %d ms%n", ms);
        JsonNode g = groups.get(0);
        assertEquals("null-pointer", g.get("kind").asText());
        assertEquals("1.0.0", g.get("version").asText());
        assertEquals(FRAMES, Fleetlab.strings(g.get("frames")));
        assertEquals(1, g.get("count").asLong());
        assertTrue(Await.until(() -> d1.pendingCrashRecords() == 0, WAIT), "the ack clears the device's record");

        // the same crash again, and on another device: the same group
        d1.crash("null-pointer", FRAMES);
        d2.crash("null-pointer", FRAMES);
        g = Fleetlab.await(api, "api/crashes", x -> x.get(0).get("count").asLong() == 3, WAIT).get(0);
        assertEquals(2, g.get("devices").asLong());
        // another backtrace is another group; so is another version
        d2.crash("null-pointer", List.of("other_fn", "app_main", "main_thread", "thread_entry"));
        Fleetlab.await(api, "api/crashes", x -> x.size() == 2, WAIT);
        assertEquals(1, api.get("api/crashes?device=crashy-1").size());

        JsonNode detail = api.get("api/crashes/" + g.get("id").asLong());
        assertEquals(2, detail.get("perDevice").size());
        assertEquals("crashy-1", detail.get("perDevice").get(0).get("device").asText());
        assertEquals(2, detail.get("perDevice").get(0).get("count").asLong());
        assertTrue(detail.get("crashes").get(0).get("record").asText().startsWith("crash seq="));
        assertTrue(api.get("api/devices/crashy-1/history").toString().contains("null-pointer in 1.0.0 at sensor_store"));
        assertTrue(Await.until(() -> d1.pendingCrashRecords() == 0 && d2.pendingCrashRecords() == 0, WAIT));
    }

    @Test
    void aCrashInATestBootIsAttachedToTheRolloutJobItFailed() throws Exception {
        device("canary-0", ObserveSpec.DEFAULTS, Behaviour.CRASH);
        sim.start();
        awaitOnline(1);
        String sha = api.postBytes("api/images", Fleetlab.image("1.1.0", 1)).get("sha256").asText();
        long rollout = api.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("100%"), 1, 0.5)).get("id").asLong();
        JsonNode groups = Fleetlab.await(api, "api/crashes", g -> g.size() == 1, Duration.ofSeconds(60));
        assertEquals("1.1.0", groups.get(0).get("version").asText(), "the crash of the new image, under test");
        JsonNode detail = api.get("api/crashes/" + groups.get(0).get("id").asLong());
        long job = api.get("api/rollouts/" + rollout + "/jobs").get(0).get("id").asLong();
        assertEquals(job, detail.get("jobs").get(0).get("job").asLong());
        assertEquals(rollout, detail.get("jobs").get(0).get("rollout").asLong());
        assertTrue(detail.get("crashes").get(0).get("testBoot").asBoolean());
        assertEquals(job, detail.get("crashes").get(0).get("job").asLong());
    }

    @Test
    void logsAndHeartbeatsArriveAndAreBounded() throws Exception {
        ObserveSpec o = ObserveSpec.DEFAULTS.withMetricsEvery(Duration.ofMillis(100)).withLogs(2, Duration.ofMillis(200));
        SimulatedDevice d = device("chatty-1", o);
        sim.start();
        awaitOnline(1);
        for (int i = 0; i < 30; i++) {
            d.log(i % 2 == 0 ? 2 : 3, "main: reading " + i);   // warnings ship, info stays on the device
        }
        d.log(1, "main: sensor gone");
        JsonNode logs = Fleetlab.await(api, "api/devices/chatty-1/logs", l -> l.size() == 16, WAIT);
        assertTrue(logs.get(0).get("line").asText().matches("\\d+\\.\\d{3} W main: reading 0"), logs.toString());
        assertTrue(logs.get(15).get("line").asText().endsWith(" E main: sensor gone"), logs.toString());
        long after = logs.get(14).get("id").asLong();
        assertEquals(1, api.get("api/devices/chatty-1/logs?after=" + after).size());

        JsonNode m = Fleetlab.await(api, "api/devices/chatty-1/metrics", x -> x.size() >= 5, WAIT);
        JsonNode f = m.get(m.size() - 1).get("fields");
        assertEquals("power-on", f.get("reboot").asText());
        assertTrue(f.get("uptime_ms").asLong() > 0);
        // bounded: the store keeps the newest lines only
        JsonNode many = api.get("api/devices/chatty-1/metrics?limit=5000");
        assertTrue(many.size() <= 1440, "at most 1440 heartbeats per device");
        assertThrows(MoteException.class, () -> api.get("api/devices/nobody/logs"));
    }

    @Test
    void theRemoteShellRunsCommandsForTheServerAndAuditsThem() throws Exception {
        SimulatedDevice on = device("shell-on", ObserveSpec.DEFAULTS.withRemoteShell(true));
        SimulatedDevice off = device("shell-off", ObserveSpec.DEFAULTS);
        sim.start();
        awaitOnline(2);
        JsonNode r = api.post("api/devices/shell-on/shell", Map.of("command", "ps", "who", "alice"));
        assertEquals(0, r.get("exit").asInt());
        assertTrue(r.get("output").asText().startsWith("  ID PRIO STATE"), r.toString());
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertEquals("hi " + i + "\n", api.post("api/devices/shell-on/shell", Map.of("command", "echo hi " + i))
                    .get("output").asText());
        }
        System.out.printf("remote shell round trip through the server (simulated device): %.1f ms%n",
                (System.nanoTime() - t0) / 20 / 1e6);
        assertEquals(127, api.post("api/devices/shell-on/shell", Map.of("command", "nosuch")).get("exit").asInt());
        MoteException bad = assertThrows(MoteException.class,
                () -> api.post("api/devices/shell-on/shell", Map.of("command", "x".repeat(300))));
        assertTrue(bad.getMessage().contains("longer than 255"), bad.getMessage());

        // off stays off: the device ignores it, the server says so, the audit log keeps the attempt
        MoteException none = assertThrows(MoteException.class,
                () -> api.post("api/devices/shell-off/shell", Map.of("command", "ps")));
        assertTrue(none.getMessage().contains("did not answer"), none.getMessage());
        assertEquals(0, off.shellCommands());

        JsonNode audit = api.get("api/shell/audit");
        assertEquals(23, audit.size());
        assertEquals("shell-off", audit.get(0).get("device").asText());
        assertTrue(audit.get(0).get("exit").isNull(), "no answer");
        JsonNode first = audit.get(audit.size() - 1);
        assertEquals("admin (alice)", first.get("who").asText());
        assertEquals("ps", first.get("command").asText());
        assertEquals(0, first.get("exit").asInt());
        assertEquals(22, on.shellCommands());
    }

    @Test
    void anotherDeviceCannotSendShellCommands() throws Exception {
        SimulatedDevice victim = device("victim-1", ObserveSpec.DEFAULTS.withRemoteShell(true));
        device("mallory-1", ObserveSpec.DEFAULTS);
        sim.start();
        awaitOnline(2);
        String password = server.credentials().devicePassword("mallory-1");
        BrokerUrl b = BrokerUrl.parse(server.brokerUrl());
        Mqtt3BlockingClient m = MqttClient.builder().useMqttVersion3().identifier("mallory-1x")
                .serverHost(b.host()).serverPort(b.port()).buildBlocking();
        try {
            m.connectWith().simpleAuth().username("mallory-1").password(password.getBytes(StandardCharsets.US_ASCII))
                    .applySimpleAuth().send();
        } catch (RuntimeException refused) {
            // a broker may refuse a second client id for the user: then it cannot publish at all
            return;
        }
        try {
            m.publishWith().topic(Topics.of("victim-1", Topics.SHELL)).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(new ShellCommand(1, "reboot").toBytes()).send();
        } catch (RuntimeException dropped) {
            // refused outright: as good
        } finally {
            if (m.getState().isConnected()) {
                m.disconnect();
            }
        }
        // the server's own command still goes through, and is the only one the victim ran
        assertEquals("ok\n", api.post("api/devices/victim-1/shell", Map.of("command", "echo ok")).get("output").asText());
        Thread.sleep(500);
        assertEquals(1, victim.shellCommands());
        assertNull(null);
    }
}
