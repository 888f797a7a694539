package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.mqtt.Mosquitto;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.ObserveSpec;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.ota.store.PostgresCluster;
import dev.mote.ota.store.PostgresUrl;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances on one PostgreSQL and one Mosquitto, devices from the simulator: the
 * broker spreads the devices' messages over both (shared subscriptions), REST works on both, one
 * runs the engine; and what an instance refuses to start with.
 */
@Timeout(240)
class ScaleOutTest {
    @TempDir
    Path dir;

    static List<String> ids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("%s-%03d", prefix, i));
        }
        return out;
    }

    static OtaServer.Config config(Path data, String broker, PostgresUrl db, String instance) {
        return new OtaServer.Config(data, TestKeys.trusted(), "127.0.0.1", 0, 0, broker, FleetConfig.DEFAULTS, db,
                instance);
    }

    @Test
    void twoInstancesShareOneRollout() throws Exception {
        Mosquitto.requireBinary();
        PostgresUrl db = PostgresCluster.shared().newDatabase();
        Path data = dir.resolve("ota-data");
        int n = 40;
        try (Mosquitto broker = Mosquitto.start(dir, Credentials.load(data), ids("so", n), List.of("1", "2"));
             OtaServer one = OtaServer.start(config(data, "tcp://127.0.0.1:" + broker.url().port(), db, "1"));
             OtaServer two = OtaServer.start(config(data, "tcp://127.0.0.1:" + broker.url().port(), db, "2"));
             Simulator sim = new Simulator(Simulator.Options.defaults(one.brokerUrl()))) {
            OtaClient api1 = Fleetlab.client(one.restUri(), one.adminToken());
            OtaClient api2 = Fleetlab.client(two.restUri(), two.adminToken());
            byte[] v11 = Fleetlab.image("1.1.0", 1);
            String sha = api1.postBytes("api/images", v11).get("sha256").asText();
            Fleetlab.devices(api1, sim, "so", n, "lab", Map.of(), Map.of());
            sim.start();
            Fleetlab.await(api2, "api/devices?online=true", d -> d.size() == n, Duration.ofSeconds(30));
            long id = api2.post("api/rollouts", Fleetlab.spec(sha, "lab", List.of("5", "100%"), 10, 0.1)).get("id")
                    .asLong();
            JsonNode r = Fleetlab.await(api1, "api/rollouts/" + id, x -> !x.get("state").asText().equals("running"),
                    Duration.ofSeconds(120));
            assertEquals("completed", r.get("state").asText(), r + "\n" + broker.log());
            assertEquals(n, Fleetlab.count(r, "confirmed"), r.toString());
            for (SimulatedDevice d : sim.devices()) {
                assertEquals("1.1.0", d.stats().version(), d.stats().toString());
            }
            JsonNode s1 = api1.get("api/stats");
            JsonNode s2 = api2.get("api/stats");
            for (JsonNode s : List.of(s1, s2)) {
                assertTrue(s.get("chunksOut").asLong() > 0, "each instance served chunk requests: " + s);
                assertTrue(s.get("messagesIn").asLong() > 0, s.toString());
            }
            assertEquals(1, (s1.get("engine").asBoolean() ? 1 : 0) + (s2.get("engine").asBoolean() ? 1 : 0),
                    "one instance runs the engine: " + s1 + "\n" + s2);
            long chunks = s1.get("chunksOut").asLong() + s2.get("chunksOut").asLong();
            assertTrue(chunks >= (long) n * (v11.length / 16384), "every chunk of every device: " + chunks);
        }
    }

    /**
     * Shell replies go to every instance (not shared): the one whose REST request sent the
     * command is waiting for the reply. Shared, about half the commands would time out.
     */
    @Test
    void theRemoteShellAnswersOnEitherInstance() throws Exception {
        Mosquitto.requireBinary();
        PostgresUrl db = PostgresCluster.shared().newDatabase();
        Path data = dir.resolve("ota-data");
        try (Mosquitto broker = Mosquitto.start(dir, Credentials.load(data), List.of("sh-1"), List.of("1", "2"));
             OtaServer one = OtaServer.start(config(data, "tcp://127.0.0.1:" + broker.url().port(), db, "1"));
             OtaServer two = OtaServer.start(config(data, "tcp://127.0.0.1:" + broker.url().port(), db, "2"));
             Simulator sim = new Simulator(Simulator.Options.defaults(one.brokerUrl()))) {
            OtaClient api1 = Fleetlab.client(one.restUri(), one.adminToken());
            OtaClient api2 = Fleetlab.client(two.restUri(), two.adminToken());
            String password = api1.post("api/devices/provision", Map.of("ids", List.of("sh-1"), "group", "lab"))
                    .get(0).get("password").asText();
            sim.add(DeviceSpec.of("sh-1", password, TestImage.ARM, "1.0.0", TestKeys.trusted())
                    .withObserve(ObserveSpec.DEFAULTS.withRemoteShell(true)));
            sim.start();
            Fleetlab.await(api2, "api/devices?online=true", d -> d.size() == 1, Duration.ofSeconds(30));
            // four through each instance in a row: a broker that took turns handing the replies
            // to the instances would give one of them replies the other waits for
            for (int i = 0; i < 8; i++) {
                OtaClient api = i < 4 ? api1 : api2;
                assertEquals("hi " + i + "\n", api.post("api/devices/sh-1/shell", Map.of("command", "echo hi " + i))
                        .get("output").asText(), "command " + i + " on instance " + (i < 4 ? 1 : 2));
            }
            JsonNode audit = api2.get("api/shell/audit");
            assertEquals(8, audit.size(), audit.toString());
            for (JsonNode a : audit) {
                assertEquals(0, a.get("exit").asInt(), a.toString());
            }
        }
    }

    @Test
    void anInstanceRefusesWhatWouldBreakTheOthers() throws Exception {
        Mosquitto.requireBinary();
        PostgresUrl db = PostgresCluster.shared().newDatabase();
        Path data = dir.resolve("ota-data");
        try (Mosquitto broker = Mosquitto.start(dir, Credentials.load(data), List.of(), List.of("1", "2"))) {
            String url = "tcp://127.0.0.1:" + broker.url().port();
            try (OtaServer one = OtaServer.start(config(data, url, db, "1"))) {
                IOException embedded = assertThrows(IOException.class,
                        () -> OtaServer.start(config(data, null, db, "2")));
                assertTrue(embedded.getMessage().contains("the embedded broker serves one instance only"),
                        embedded.getMessage());
                IOException twice = assertThrows(IOException.class, () -> OtaServer.start(config(data, url, db, "1")));
                assertTrue(twice.getMessage().contains("instance '1' is already running"), twice.getMessage());
                IOException secret = assertThrows(IOException.class,
                        () -> OtaServer.start(config(dir.resolve("other-data"), url, db, "2")));
                assertTrue(secret.getMessage().contains("fleet secret"), secret.getMessage());
                one.fleet().provision("dev-1", "lab", List.of());
            }
            // a server that knows an older schema than the database's: refused, nothing written
            try (Connection c = DriverManager.getConnection(jdbc(db), props(db));
                    Statement st = c.createStatement()) {
                st.execute("INSERT INTO schema_version (version) VALUES (99)");
            }
            IOException older = assertThrows(IOException.class, () -> OtaServer.start(config(data, url, db, "1")));
            assertTrue(older.getMessage().contains("schema version 99 is newer than this server's"),
                    older.getMessage());
            try (Connection c = DriverManager.getConnection(jdbc(db), props(db));
                    Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM devices")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    static String jdbc(PostgresUrl u) {
        return "jdbc:postgresql://" + u.host() + ":" + u.port() + "/" + u.database();
    }

    static Properties props(PostgresUrl u) {
        Properties p = new Properties();
        p.setProperty("user", u.user());
        p.setProperty("password", u.password());
        return p;
    }
}
