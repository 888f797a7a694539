package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.fleet.Records;
import dev.mote.sdk.MoteException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The REST routes the dashboard's views use, through the real server (bearer token, as the CLI would). */
@Timeout(60)
class ViewApiTest {
    @TempDir
    Path dir;
    DashboardLab lab;

    @BeforeEach
    void start() throws Exception {
        lab = new DashboardLab(dir);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(String.format("v-%02d", i));
        }
        lab.api.post("api/devices/provision", Map.of("ids", ids, "group", "lab", "tags", List.of("t1")));
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void theDevicePageTakesItsQueryFromTheUrl() throws Exception {
        JsonNode p = lab.api.get("api/device-page?group=lab&limit=5&offset=10");
        assertEquals(12, p.get("total").asInt());
        assertEquals(2, p.get("devices").size());
        assertEquals("v-10", p.get("devices").get(0).get("id").asText());
        assertEquals("none", p.get("devices").get(0).get("updateState").asText());
        assertEquals(List.of("t1"), List.of(p.get("devices").get(0).get("tags").get(0).asText()));
        assertEquals(50, lab.api.get("api/device-page").get("limit").asInt(), "50 a page by default");
        assertEquals(1, lab.api.get("api/device-page?q=v-1%31").get("total").asInt(), "decoded: v-11");
        assertEquals(12, lab.api.get("api/device-page?q=&group=").get("total").asInt(), "empty means any");
        for (String bad : List.of("limit=abc", "limit=0", "limit=501", "offset=-1", "online=maybe", "state=lost")) {
            MoteException e = assertThrows(MoteException.class, () -> lab.api.get("api/device-page?" + bad), bad);
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
        }
    }

    @Test
    void overviewPhasesAndJobsByState() throws Exception {
        String sha = lab.upload(DashboardLab.image("1.1.0", 1));
        long id = lab.api.post("api/rollouts", new Records.RolloutSpec("r", sha, "lab", null, List.of("2", "100%"), 1,
                600, 0.9, 0.5)).get("id").asLong();
        JsonNode o = lab.api.get("api/overview");
        assertEquals(12, o.get("devices").asInt());
        assertEquals(12, o.get("groups").get("lab").asInt());
        assertEquals(1, o.get("rollouts").size());
        JsonNode phases = lab.api.get("api/rollouts/" + id + "/phases");
        assertEquals(3, phases.size());
        assertEquals("2", phases.get(1).get("target").asText());
        assertEquals(2, phases.get(1).get("jobs").asInt());
        assertEquals(10, phases.get(2).get("counts").get("queued").asInt());
        assertEquals(12, lab.api.get("api/rollouts/" + id + "/jobs").size(), "no filter: all, as before");
        assertEquals(3, lab.api.get("api/rollouts/" + id + "/jobs?state=queued&limit=3").size());
        assertEquals(0, lab.api.get("api/rollouts/" + id + "/jobs?state=failed,rolledback").size());
        assertEquals(404, assertThrows(MoteException.class, () -> lab.api.get("api/rollouts/99/phases"))
                .getMessage().contains("no such rollout") ? 404 : 0);
    }
}
