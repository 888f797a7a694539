package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.mqtt.Mosquitto;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.Behaviour;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same end-to-end rollout with an external broker: Debian's Mosquitto, configured with
 * `MosquittoConfig` (password file + the ACL of docs/ota-protocol.md), and the server started
 * with --broker. A failing canary pauses it here too.
 */
@Timeout(180)
class MosquittoRolloutTest {
    @TempDir
    Path dir;

    @Test
    void rolloutThroughMosquitto() throws Exception {
        Mosquitto.requireBinary();
        Path data = dir.resolve("ota-data");
        try (Mosquitto broker = mosquitto(data, 30);
             OtaServer server = server(data, broker);
             Simulator sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()))) {
            OtaClient api = Fleetlab.client(server.restUri(), server.adminToken());
            byte[] v11 = Fleetlab.image("1.1.0", 1);
            String sha = api.postBytes("api/images", v11).get("sha256").asText();
            Fleetlab.devices(api, sim, "mq", 30, "lab", Map.of(), Map.of());
            sim.start();
            Fleetlab.await(api, "api/devices?online=true", d -> d.size() == 30, Duration.ofSeconds(30));
            long id = api.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("5", "100%"), 10, 0.1)).get("id").asLong();
            JsonNode r = Fleetlab.await(api, "api/rollouts/" + id, x -> !x.get("state").asText().equals("running"),
                    Duration.ofSeconds(120));
            assertEquals("completed", r.get("state").asText(), r + "\n" + broker.log());
            assertEquals(30, Fleetlab.count(r, "confirmed"));
            for (SimulatedDevice d : sim.devices()) {
                assertEquals("1.1.0", d.stats().version(), d.stats().toString());
                assertTrue(d.stats().wireIn() <= v11.length * 1.05, d.stats().toString());
            }
        }
    }

    @Test
    void failingCanaryPausesThroughMosquitto() throws Exception {
        Mosquitto.requireBinary();
        Path data = dir.resolve("ota-data");
        try (Mosquitto broker = mosquitto(data, 12);
             OtaServer server = server(data, broker);
             Simulator sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()))) {
            OtaClient api = Fleetlab.client(server.restUri(), server.adminToken());
            String sha = api.postBytes("api/images", Fleetlab.image("1.1.0", 1)).get("sha256").asText();
            Fleetlab.devices(api, sim, "mq", 12, "lab", Map.of(0, Behaviour.CRASH, 1, Behaviour.CRASH), Map.of());
            sim.start();
            Fleetlab.await(api, "api/devices?online=true", d -> d.size() == 12, Duration.ofSeconds(30));
            long id = api.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("2", "100%"), 2, 0.0)).get("id").asLong();
            JsonNode r = Fleetlab.await(api, "api/rollouts/" + id, x -> x.get("state").asText().equals("paused"),
                    Duration.ofSeconds(60));
            assertEquals("paused", r.get("state").asText(), r.toString());
            Thread.sleep(1000);
            for (SimulatedDevice d : sim.devices().subList(2, 12)) {
                assertEquals(0, d.stats().job(), d.id() + " was offered the image");
            }
        }
    }

    /** Mosquitto with accounts for the server (from {@code data}) and devices mq-000.. */
    private Mosquitto mosquitto(Path data, int devices) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            ids.add(String.format("mq-%03d", i));
        }
        Files.createDirectories(dir.resolve("mosquitto"));
        return Mosquitto.start(dir.resolve("mosquitto"), Credentials.load(data), ids);
    }

    private static OtaServer server(Path data, Mosquitto broker) throws java.io.IOException {
        return OtaServer.start(new OtaServer.Config(data, TestKeys.trusted(), "127.0.0.1", 0, 0,
                "tcp://127.0.0.1:" + broker.url().port(), FleetConfig.DEFAULTS));
    }
}
