package dev.mote.ota.server;

import static dev.mote.ota.server.AdminRequests.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.store.SmallDisk;
import dev.mote.sdk.testing.TestKeys;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/health tells the store's real state: a full disk is a 503 naming it, and it recovers. */
@Timeout(120)
class HealthTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskIsA503UntilThereIsRoomAgain() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 8);
                OtaServer s = OtaServer.start(new OtaServer.Config(disk.dir().resolve("ota-data"), TestKeys.trusted(),
                        "127.0.0.1", 0, 0, null, FleetConfig.DEFAULTS))) {
            assertEquals(200, send(s, "GET", "/api/health", null).statusCode());
            Path filler = disk.dir().resolve("filler");
            SmallDisk.fill(filler);
            StringBuilder ids = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                ids.append(i == 0 ? "" : ",").append("\"dev-").append(i).append('"');
            }
            HttpResponse<String> write = send(s, "POST", "/api/devices/provision", "{\"ids\":[" + ids + "]}");
            assertEquals(503, write.statusCode(), write.body());
            assertTrue(write.body().contains("database"), write.body());

            HttpResponse<String> health = send(s, "GET", "/api/health", null);
            assertEquals(503, health.statusCode(), health.body());
            JsonNode h = new ObjectMapper().readTree(health.body());
            assertEquals("failing", h.get("status").asText());
            assertTrue(h.get("store").asText().contains("full"), health.body());

            Files.delete(filler);
            assertEquals(200, send(s, "GET", "/api/health", null).statusCode());
            HttpResponse<String> again = send(s, "POST", "/api/devices/provision", "{\"ids\":[\"dev-1\"]}");
            assertEquals(201, again.statusCode(), again.body());
            assertEquals(List.of("dev-1"), s.fleet().devices(null).stream().map(d -> d.id()).toList());
        }
    }
}
