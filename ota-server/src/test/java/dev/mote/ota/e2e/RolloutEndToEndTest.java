package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.Behaviour;
import dev.mote.ota.sim.DeviceStats;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
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
 * The OTA server as users run it, end to end on loopback: the embedded broker, a real SQLite
 * file, the REST API for every operation, and simulated devices that download over MQTT, verify
 * the signature for real, reboot and confirm (or crash and roll back).
 */
@Timeout(180)
class RolloutEndToEndTest {
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

    @Test
    void hundredDevicesUpdatedThroughATwoPhaseRollout() throws Exception {
        byte[] v11 = Fleetlab.image("1.1.0", 1);
        String sha = api.postBytes("api/images", v11).get("sha256").asText();
        Map<Integer, Long> drops = new HashMap<>();
        for (int i = 20; i < 25; i++) {
            drops.put(i, (long) v11.length / 2);   // five lose their link halfway and resume
        }
        Fleetlab.devices(api, sim, "lab", 100, "lab", Map.of(), drops);
        sim.start();
        JsonNode online = Fleetlab.await(api, "api/devices?group=lab&online=true", d -> d.size() == 100,
                Duration.ofSeconds(30));
        assertEquals(100, online.size(), "every device said hello");

        long id = api.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("10", "100%"), 40, 0.1)).get("id").asLong();
        JsonNode r = Fleetlab.await(api, "api/rollouts/" + id, x -> !x.get("state").asText().equals("running"),
                Duration.ofSeconds(120));
        assertEquals("completed", r.get("state").asText(), r.toString());
        assertEquals(100, Fleetlab.count(r, "confirmed"), r.toString());

        // the canary finished before the wave began
        JsonNode jobs = api.get("api/rollouts/" + id + "/jobs");
        long canaryDone = 0, waveStart = Long.MAX_VALUE;
        for (JsonNode j : jobs) {
            if (j.get("phase").asInt() == 1) {
                canaryDone = Math.max(canaryDone, j.get("updatedAt").asLong());
            } else {
                waveStart = Math.min(waveStart, j.get("offeredAt").asLong());
            }
        }
        assertEquals(10, jobs.findValues("phase").stream().filter(p -> p.asInt() == 1).count(), "the canary (phases count from 1)");
        assertTrue(canaryDone <= waveStart, "phase 2 offered before phase 1 ended");

        for (int i = 0; i < 100; i++) {
            DeviceStats s = sim.devices().get(i).stats();
            assertEquals("confirmed", s.status(), s.toString());
            assertEquals("1.1.0", s.version());
            assertTrue(s.imageBytes() <= v11.length * 1.01, "resumed, not downloaded again: " + s);
            if (!drops.containsKey(i)) {   // a dropped link also loses the chunks that were on their way
                assertTrue(s.wireIn() <= v11.length * 1.05, "wire bytes in: " + s.wireIn() + " for " + v11.length);
            }
        }
        JsonNode device = api.get("api/devices/lab-021");
        assertEquals("1.1.0", device.get("version").asText());
        assertTrue(api.get("api/devices/lab-021/history").toString().contains("confirmed"));
    }

    @Test
    void failingCanaryPausesTheRolloutAndNobodyElseIsOffered() throws Exception {
        String sha = api.postBytes("api/images", Fleetlab.image("1.1.0", 1)).get("sha256").asText();
        Map<Integer, Behaviour> crash = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            crash.put(i, Behaviour.CRASH);   // ids sort first: these are the canary
        }
        Fleetlab.devices(api, sim, "lab", 30, "lab", crash, Map.of());
        sim.start();
        Fleetlab.await(api, "api/devices?online=true", d -> d.size() == 30, Duration.ofSeconds(30));

        long id = api.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("5", "100%"), 5, 0.2)).get("id").asLong();
        JsonNode r = Fleetlab.await(api, "api/rollouts/" + id, x -> x.get("state").asText().equals("paused"),
                Duration.ofSeconds(60));
        assertEquals("paused", r.get("state").asText(), r.toString());
        assertTrue(r.get("reason").asText().contains("fail"), r.get("reason").asText());
        Thread.sleep(1000);   // give a wrong offer time to show up
        for (SimulatedDevice d : sim.devices().subList(5, 30)) {
            assertEquals(0, d.stats().job(), d.id() + " was offered the image");
            assertEquals("1.0.0", d.stats().version());
        }
        assertEquals(25, Fleetlab.count(api.get("api/rollouts/" + id), "queued"));
        for (SimulatedDevice d : sim.devices().subList(0, 5)) {
            if (d.stats().status() != null) {
                assertEquals("rolledback", d.stats().status());
                assertEquals("1.0.0", d.stats().version(), "the old image runs again");
            }
        }
    }

    @Test
    void tamperedUploadIsRefusedAndNothingStored() throws Exception {
        byte[] img = Fleetlab.image("1.1.0", 1);
        img[img.length - 300] ^= 1;   // a payload byte
        MoteException e = assertThrows(MoteException.class, () -> api.postBytes("api/images", img));
        assertTrue(e.getMessage().contains("hash mismatch"), e.getMessage());
        assertEquals(0, api.get("api/images").size());
        byte[] unknownKey = TestImage.arm().version("1.1.0").counter(1).randomPayload(1024, 1).sign(TestKeys.stranger()).toBytes();
        e = assertThrows(MoteException.class, () -> api.postBytes("api/images", unknownKey));
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertEquals(0, api.get("api/images").size());
    }
}
