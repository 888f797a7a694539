package dev.mote.ota.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.fleet.Records;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.sim.Behaviour;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the end-to-end tests share: their image, a v1.0.0 fleet of simulated devices provisioned
 * through the REST API, and polling the API until a rollout gets where a test expects.
 */
final class Fleetlab {
    static final int IMAGE_PAYLOAD = 256 * 1024;

    private Fleetlab() {
    }

    static byte[] image(String version, long counter) {
        return TestImage.arm().version(version).counter(counter).randomPayload(IMAGE_PAYLOAD, counter).bytes();
    }

    static OtaClient client(URI rest, String token) {
        return new OtaClient(URI.create(rest + "/"), token);
    }

    /** Waits up to {@code timeout} for a `mote ota serve` process's REST API to answer (its token file exists by then). */
    static OtaClient awaitServe(Process p, Path data, int http, Duration timeout) throws Exception {
        OtaClient[] api = new OtaClient[1];
        Await.await(() -> {
            assertTrue(p.isAlive(), "mote ota serve exited with " + (p.isAlive() ? 0 : p.exitValue()));
            Path token = data.resolve("admin.token");
            if (!Files.exists(token)) {
                return false;
            }
            api[0] = client(URI.create("http://127.0.0.1:" + http), Files.readString(token).trim());
            try {
                api[0].get("api/health");
                return true;
            } catch (RuntimeException | IOException notYet) {
                return false;
            }
        }, timeout, "mote ota serve answering on port " + http);
        return api[0];
    }

    /** A TCP port free on 127.0.0.1 now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Provisions {@code n} devices "dev-000".."dev-NNN" in {@code group} and adds them to {@code sim}. */
    static List<String> devices(OtaClient api, Simulator sim, String prefix, int n, String group,
                                Map<Integer, Behaviour> behaviours, Map<Integer, Long> dropAt) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(String.format("%s-%03d", prefix, i));
        }
        Map<String, Object> body = new HashMap<>();
        body.put("ids", ids);
        body.put("group", group);
        body.put("tags", List.of());
        JsonNode provisioned = api.post("api/devices/provision", body);
        for (int i = 0; i < n; i++) {
            String password = provisioned.get(i).get("password").asText();
            DeviceSpec spec = DeviceSpec.of(ids.get(i), password, TestImage.ARM, "1.0.0", TestKeys.trusted())
                    .withBehaviour(behaviours.getOrDefault(i, Behaviour.CONFIRM));
            sim.add(dropAt.containsKey(i) ? spec.withDropAt(dropAt.get(i)) : spec);
        }
        return ids;
    }

    static Records.RolloutSpec spec(String sha, String group, List<String> phases, int inFlight, double failure) {
        return new Records.RolloutSpec("e2e", sha, group, null, phases, inFlight, 120, 0.95, failure);
    }

    /** Polls GET {@code path} until {@code done} holds; the last reply either way. */
    static JsonNode await(OtaClient api, String path, Predicate<JsonNode> done, Duration timeout) throws Exception {
        return Await.poll(() -> api.get(path), done, timeout);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    static int count(JsonNode rollout, String state) {
        JsonNode c = rollout.get("counts").get(state);
        return c == null ? 0 : c.asInt();
    }
}
