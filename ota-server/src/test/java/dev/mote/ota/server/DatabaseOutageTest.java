package dev.mote.ota.server;

import static dev.mote.ota.server.AdminRequests.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.store.PostgresCluster;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestKeys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL server goes away under a running OTA server and comes back (its cluster stopped
 * and started, on a cluster of the test's own): meanwhile GET /api/health is a 503 that says the
 * database is unreachable and writes are 503s; afterwards everything works again, with no restart.
 */
@Timeout(180)
class DatabaseOutageTest {
    @TempDir
    Path tmp;

    @Test
    void theServerRidesOutADatabaseRestart() throws Exception {
        try (PostgresCluster pg = PostgresCluster.start();
                OtaServer s = OtaServer.start(new OtaServer.Config(tmp.resolve("ota-data"), TestKeys.trusted(),
                        "127.0.0.1", 0, 0, null, FleetConfig.DEFAULTS, pg.newDatabase(), null))) {
            assertEquals(201, send(s, "POST", "/api/devices/provision", "{\"ids\":[\"dev-1\"]}").statusCode());
            assertEquals(200, send(s, "GET", "/api/health", null).statusCode());

            pg.stop();
            HttpResponse<String> write = send(s, "POST", "/api/devices/provision", "{\"ids\":[\"dev-2\"]}");
            assertEquals(503, write.statusCode(), write.body());
            HttpResponse<String> health = send(s, "GET", "/api/health", null);
            assertEquals(503, health.statusCode(), health.body());
            JsonNode h = new ObjectMapper().readTree(health.body());
            assertEquals("failing", h.get("status").asText());
            assertTrue(h.get("store").asText().contains("unreachable"), health.body());

            pg.startAgain();
            Await.await(() -> send(s, "GET", "/api/health", null).statusCode() == 200, Duration.ofSeconds(20),
                    "/api/health back to 200 after the database came back");
            HttpResponse<String> again = send(s, "POST", "/api/devices/provision", "{\"ids\":[\"dev-2\"]}");
            assertEquals(201, again.statusCode(), again.body());
            assertEquals(2, s.fleet().devices(null).size());
            Await.await(() -> new ObjectMapper().readTree(send(s, "GET", "/api/stats", null).body()).get("engine")
                    .asBoolean(), Duration.ofSeconds(20), "the engine's lease taken again");
        }
    }
}
