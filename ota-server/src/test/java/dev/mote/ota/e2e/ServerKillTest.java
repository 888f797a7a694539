package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.sim.DeviceStats;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kill -9` the server (a real `mote ota serve` process) in the middle of a rollout, start it
 * again on the same data directory: the rollout carries on and completes, and devices that were
 * downloading resume where they stopped instead of starting over.
 */
@Timeout(240)
class ServerKillTest {
    @TempDir
    Path dir;

    @Test
    void rolloutSurvivesKillMinus9() throws Exception {
        Path data = dir.resolve("ota-data");
        Path pub = dir.resolve("fleet.pub");
        Keys.writePublic(pub, TestKeys.KEY.publicKey());
        int mqtt = Fleetlab.freePort();
        int http = Fleetlab.freePort();
        List<String> serve = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.mote.ota.cli.Main", "serve", "--data", data.toString(),
                "--trust", pub.toString(), "--mqtt-port", Integer.toString(mqtt), "--http-port", Integer.toString(http));
        Process first = start(serve, dir.resolve("serve-1.log"));
        Process second = null;
        try (Simulator sim = new Simulator(Simulator.Options.defaults("tcp://127.0.0.1:" + mqtt))) {
            OtaClient api = Fleetlab.awaitServe(first, data, http, Duration.ofSeconds(30));
            byte[] v11 = Fleetlab.image("1.1.0", 1);
            String sha = api.postBytes("api/images", v11).get("sha256").asText();
            Fleetlab.devices(api, sim, "kill", 40, "lab", Map.of(), Map.of());
            sim.start();
            Fleetlab.await(api, "api/devices?online=true", d -> d.size() == 40, Duration.ofSeconds(30));
            long id = api.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("100%"), 8, 0.5)).get("id").asLong();
            JsonNode mid = Fleetlab.await(api, "api/rollouts/" + id, r -> Fleetlab.count(r, "confirmed") >= 8,
                    Duration.ofSeconds(60));
            int before = Fleetlab.count(mid, "confirmed");
            assertTrue(before >= 8 && before < 40, "killed mid-rollout: " + mid);

            first.destroyForcibly();   // SIGKILL: no shutdown hook, no clean close of the database
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, first.exitValue(), "killed by SIGKILL");

            second = start(serve, dir.resolve("serve-2.log"));
            api = Fleetlab.awaitServe(second, data, http, Duration.ofSeconds(30));
            JsonNode r = Fleetlab.await(api, "api/rollouts/" + id, x -> !x.get("state").asText().equals("running"),
                    Duration.ofSeconds(120));
            assertEquals("completed", r.get("state").asText(), r + "\n" + Files.readString(dir.resolve("serve-2.log")));
            JsonNode failed = api.get("api/rollouts/" + id + "/jobs?state=failed,rolledback&limit=100");
            assertEquals(40, Fleetlab.count(r, "confirmed"), r + "\nfailed jobs: " + failed);
            assertTrue(Fleetlab.count(r, "confirmed") >= before, "nothing confirmed was lost");
            for (SimulatedDevice d : sim.devices()) {
                DeviceStats s = d.stats();
                assertEquals("1.1.0", s.version(), s.toString());
                // a download cut by the kill resumes: at most the chunks that were in flight come twice
                assertTrue(s.imageBytes() <= v11.length + 2 * 8 * 16384, "downloaded again from the start: " + s);
            }
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
