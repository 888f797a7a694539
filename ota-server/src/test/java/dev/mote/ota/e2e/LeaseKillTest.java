package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.mqtt.Mosquitto;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.sim.Simulator;
import dev.mote.ota.store.PostgresCluster;
import dev.mote.ota.store.PostgresUrl;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two `mote ota serve` processes on one PostgreSQL and one Mosquitto; `kill -9` of the one that
 * runs the rollout engine, mid-rollout: the other takes the engine over within seconds, the
 * rollout completes, and every job ends in exactly one final state, counted once.
 */
@Timeout(300)
class LeaseKillTest {
    @TempDir
    Path dir;

    @Test
    void theOtherInstanceTakesOverFromAKilledLeader() throws Exception {
        Mosquitto.requireBinary();
        PostgresUrl db = PostgresCluster.shared().newDatabase();
        Path data = dir.resolve("ota-data");
        Path pub = dir.resolve("fleet.pub");
        Keys.writePublic(pub, TestKeys.KEY.publicKey());
        int n = 60;
        List<Process> procs = new ArrayList<>();
        try (Mosquitto broker = Mosquitto.start(dir, Credentials.load(data), ScaleOutTest.ids("lk", n),
                List.of("1", "2"));
             Simulator sim = new Simulator(Simulator.Options.defaults("tcp://127.0.0.1:" + broker.url().port()))) {
            int[] http = {Fleetlab.freePort(), Fleetlab.freePort()};
            // the password from the environment, not the URL (it never shows on a command line)
            String url = "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database();
            for (int i = 0; i < 2; i++) {
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "dev.mote.ota.cli.Main", "serve", "--data",
                        data.toString(), "--trust", pub.toString(), "--http-port", Integer.toString(http[i]),
                        "--broker", "tcp://127.0.0.1:" + broker.url().port(), "--db", url, "--instance",
                        Integer.toString(i + 1), "--nudge", "5"); // what the killed one held comes back sooner
                pb.environment().put("MOTE_DB_PASSWORD", db.password());
                procs.add(pb.redirectErrorStream(true).redirectOutput(dir.resolve("serve-" + (i + 1) + ".log").toFile())
                        .start());
            }
            OtaClient[] api = {Fleetlab.awaitServe(procs.get(0), data, http[0], Duration.ofSeconds(60)),
                Fleetlab.awaitServe(procs.get(1), data, http[1], Duration.ofSeconds(60))};
            String log1 = Files.readString(dir.resolve("serve-1.log"));
            assertTrue(!log1.contains(db.password()), "the password is never printed:\n" + log1);
            byte[] v11 = Fleetlab.image("1.1.0", 1);
            String sha = api[0].postBytes("api/images", v11).get("sha256").asText();
            Fleetlab.devices(api[0], sim, "lk", n, "lab", Map.of(), Map.of());
            sim.start();
            Fleetlab.await(api[1], "api/devices?online=true", d -> d.size() == n, Duration.ofSeconds(30));
            long id = api[1].post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("100%"), 6, 0.1)).get("id")
                    .asLong();
            JsonNode mid = Fleetlab.await(api[0], "api/rollouts/" + id, r -> Fleetlab.count(r, "confirmed") >= 12,
                    Duration.ofSeconds(90));
            assertTrue(Fleetlab.count(mid, "confirmed") < n, "killed mid-rollout: " + mid);

            int leader = api[0].get("api/stats").get("engine").asBoolean() ? 0 : 1;
            assertTrue(api[leader].get("api/stats").get("engine").asBoolean(), "one of them leads");
            int other = 1 - leader;
            procs.get(leader).destroyForcibly();   // SIGKILL: its lease is never given back
            assertTrue(procs.get(leader).waitFor(10, TimeUnit.SECONDS));
            long killedAt = System.nanoTime();
            Await.await(() -> api[other].get("api/stats").get("engine").asBoolean(), Duration.ofSeconds(15),
                    "instance " + (other + 1) + " taking the engine over");
            double takeover = (System.nanoTime() - killedAt) / 1e9;
            assertTrue(takeover <= 10, "took over after " + takeover + " s");

            JsonNode r = Fleetlab.await(api[other], "api/rollouts/" + id,
                    x -> !x.get("state").asText().equals("running"), Duration.ofSeconds(150));
            assertEquals("completed", r.get("state").asText(), r.toString());
            assertEquals(n, Fleetlab.count(r, "confirmed"), r.toString());
            JsonNode jobs = api[other].get("api/rollouts/" + id + "/jobs");
            assertEquals(n, jobs.size());
            for (JsonNode j : jobs) {
                assertEquals("confirmed", j.get("state").asText(), j.toString());
                JsonNode history = api[other].get("api/devices/" + j.get("device").asText() + "/history");
                int confirms = 0;
                for (JsonNode h : history) {
                    confirms += h.get("event").asText().equals("confirmed") ? 1 : 0;
                }
                assertEquals(1, confirms, "confirmed exactly once: " + history);
            }
        } finally {
            for (Process p : procs) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
