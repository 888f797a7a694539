package dev.mote.ota.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.server.OtaServer;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API's refusals (docs/ota-server.md, "Limits and errors"): every request it cannot use
 * is a 4xx with a JSON {"error": ...} that names what to fix, never a 500, an HTML page, a value
 * silently coerced, or half of a multi-item write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private OtaServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String image;

    record Reply(int status, JsonNode body, String raw) {
        String error() {
            return body != null && body.has("error") ? body.get("error").asText() : "(no error field) " + raw;
        }
    }

    @BeforeAll
    void start() throws Exception {
        server = OtaServer.start(new OtaServer.Config(dir.resolve("ota-data"), TestKeys.trusted(), "127.0.0.1", 0, 0,
                null, FleetConfig.DEFAULTS));
        byte[] img = TestImage.arm().version("1.1.0").counter(1).randomPayload(4096, 1).bytes();
        image = HexFormat.of().formatHex(TestImage.sha256(img));
        assertEquals(201, send("POST", "/api/images", img).status());
        assertEquals(201, send("POST", "/api/devices/provision", "{\"ids\":[\"d-1\",\"d-2\"],\"group\":\"lab\"}")
                .status());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private Reply send(String method, String path, Object body) throws IOException, InterruptedException {
        byte[] b = body == null ? new byte[0] : body instanceof byte[] bytes ? bytes
                : body.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.restUri() + path))
                .header("Authorization", "Bearer " + server.adminToken())
                .method(method, HttpRequest.BodyPublishers.ofByteArray(b)).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode node = null;
        try {
            node = JSON.readTree(r.body());
        } catch (IOException notJson) {
            // stays null: the assertions say so
        }
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                method + " " + path + ": " + r.headers().map() + " " + r.body().substring(0,
                        Math.min(300, r.body().length())));
        return new Reply(r.statusCode(), node, r.body());
    }

    /** A request written by hand: what a client library would not send (bad escapes, spaces). */
    private Reply raw(String requestLine) throws IOException {
        URI u = server.restUri();
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: x\r\nAuthorization: Bearer " + server.adminToken()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            String head = text.substring(0, Math.max(0, text.indexOf("\r\n\r\n")));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            assertTrue(head.toLowerCase().contains("content-type: application/json"), text);
            return new Reply(status, JSON.readTree(body), body);
        }
    }

    private String rollout(String fields) {
        return "{\"image\":\"" + image + "\",\"group\":\"lab\",\"maxInFlight\":5,\"deadlineSeconds\":600,"
                + "\"successThreshold\":0.9,\"failureThreshold\":0.1" + fields + "}";
    }

    private static void assertRefused(int status, String words, Reply r) {
        assertEquals(status, r.status(), r.raw().length() > 300 ? r.raw().substring(0, 300) + "..." : r.raw());
        assertTrue(r.error().contains(words), "'" + words + "' in: " + r.error());
    }

    // ---- item 3: numbers are bounded ----

    @Test
    void durationsAndCountsAreBounded() throws Exception {
        int before = server.fleet().rollouts().size();
        // 10^17 s: its milliseconds overflow a long; it used to be taken and fail every job at once
        assertRefused(400, "deadlineSeconds", send("POST", "/api/rollouts",
                rollout(",\"deadlineSeconds\":100000000000000000").replace("\"deadlineSeconds\":600,", "")));
        assertRefused(400, "deadlineSeconds", send("POST", "/api/rollouts",
                rollout("").replace("\"deadlineSeconds\":600", "\"deadlineSeconds\":2592001")));
        assertRefused(400, "maxInFlight", send("POST", "/api/rollouts",
                rollout("").replace("\"maxInFlight\":5", "\"maxInFlight\":2147483647")));
        assertRefused(400, "phase", send("POST", "/api/rollouts", rollout(",\"phases\":[\"99999999\",\"100%\"]")));
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 101; i++) {
            many.add(i + "%");
        }
        assertRefused(400, "phases", send("POST", "/api/rollouts", rollout(",\"phases\":"
                + JSON.writeValueAsString(many))));
        assertEquals(before, server.fleet().rollouts().size(), "nothing was created");
    }

    // ---- item 5: sizes are bounded ----

    @Test
    void everyFieldHasALimit() throws Exception {
        StringBuilder tags = new StringBuilder("{\"tags\":[");
        for (int i = 0; i < 33; i++) {
            tags.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        assertRefused(400, "tags: at most 32", send("PUT", "/api/devices/d-1", tags + "]}"));
        assertRefused(400, "group", send("PUT", "/api/devices/d-1", "{\"group\":\"" + "g".repeat(65) + "\"}"));
        assertRefused(400, "name", send("POST", "/api/rollouts", rollout(",\"name\":\"" + "n".repeat(129) + "\"")));
        assertRefused(400, "device id", send("GET", "/api/devices/" + "d".repeat(65), null));
        assertRefused(400, "device id", send("GET", "/api/devices/" + "d".repeat(65) + "/history", null));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            ids.add("p-" + i);
        }
        assertRefused(400, "ids: at most 10000", send("POST", "/api/devices/provision",
                JSON.writeValueAsString(java.util.Map.of("ids", ids))));
        assertEquals(List.of(), server.fleet().device("d-1").tags());
    }

    @Test
    void aMillionTagsIsRefusedAtOnceWithoutBlockingOthers() throws Exception {
        StringBuilder tags = new StringBuilder("{\"tags\":[");
        for (int i = 0; i < 1_000_000; i++) {
            tags.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        long t0 = System.nanoTime();
        assertRefused(413, "request body", send("PUT", "/api/devices/d-2", tags + "]}"));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "took " + (System.nanoTime() - t0) / 1e9 + " s");
        assertEquals(200, send("GET", "/api/devices/d-1", null).status());
    }

    @Test
    void aPauseReasonIsShort() throws Exception {
        assertEquals(201, send("POST", "/api/devices/provision", "{\"ids\":[\"z-1\"],\"group\":\"pz\"}").status());
        Reply created = send("POST", "/api/rollouts", rollout(",\"name\":\"pausable\"").replace("\"lab\"", "\"pz\""));
        assertEquals(201, created.status(), created.error());
        long id = created.body().get("id").asLong();
        assertRefused(400, "reason: at most 200", send("POST", "/api/rollouts/" + id + "/pause",
                "{\"reason\":\"" + "r".repeat(201) + "\"}"));
        assertRefused(413, "request body", send("POST", "/api/rollouts/" + id + "/pause",
                "{\"reason\":\"" + "r".repeat(5 << 20) + "\"}"));
        assertRefused(400, "reason", send("POST", "/api/rollouts/" + id + "/pause", "{\"reason\":\"a\\u0000b\"}"));
        assertRefused(400, "reason", send("POST", "/api/rollouts/" + id + "/pause", "{\"reason\":7}"));
        assertEquals("running", server.fleet().rollout(id).state());
        assertEquals(200, send("POST", "/api/rollouts/" + id + "/cancel", null).status());
    }

    // ---- item 6: 400 where a 400 belongs, and nothing half done ----

    @Test
    void aNullOrMalformedBodyIsA400() throws Exception {
        assertRefused(400, "body", send("PUT", "/api/devices/d-1", "null"));
        assertRefused(400, "body", send("POST", "/api/rollouts", "null"));
        assertRefused(400, "body", send("POST", "/api/devices/provision", "null"));
        assertRefused(400, "body", send("POST", "/api/rollouts", "[]"));
        assertRefused(400, "body", send("POST", "/api/devices/provision", ""));
        assertRefused(400, "body", send("PUT", "/api/devices/d-1", "{\"tags\":[\"a\"]} trailing"));
        assertRefused(400, "body", send("PUT", "/api/devices/d-1", "{\"tags\":[\"a\"]}{}"));
        assertRefused(400, "tag 'null'", send("PUT", "/api/devices/d-1", "{\"tags\":[null]}"));
        assertRefused(400, "body", send("PUT", "/api/devices/d-1", "{\"colour\":\"red\"}"));
        assertRefused(400, "maxInFlight", send("POST", "/api/rollouts",
                rollout("").replace("\"maxInFlight\":5", "\"maxInFlight\":2.5")));
        assertRefused(400, "maxInFlight", send("POST", "/api/rollouts",
                rollout("").replace("\"maxInFlight\":5", "\"maxInFlight\":\"5\"")));
        assertRefused(400, "deadlineSeconds", send("POST", "/api/rollouts",
                rollout("").replace("\"deadlineSeconds\":600", "\"deadlineSeconds\":1e3")));
        assertEquals(0, server.fleet().rollouts().stream().filter(r -> r.name().equals("test")).count());
    }

    @Test
    void aProvisioningListIsAllOrNothing() throws Exception {
        assertRefused(400, "bad id!", send("POST", "/api/devices/provision",
                "{\"ids\":[\"n-1\",\"n-2\",\"bad id!\",\"n-3\"],\"group\":\"lab\"}"));
        assertRefused(400, "'", send("POST", "/api/devices/provision", "{\"ids\":[\"n-1\",null]}"));
        assertRefused(400, "group", send("POST", "/api/devices/provision", "{\"ids\":[\"n-1\"],\"group\":\"a b\"}"));
        assertRefused(400, "ids", send("POST", "/api/devices/provision", "{\"ids\":[\"n-1\",\"n-1\"]}"));
        for (String id : List.of("n-1", "n-2", "n-3")) {
            assertEquals(404, send("GET", "/api/devices/" + id, null).status(), id + " must not exist");
        }
        Reply ok = send("POST", "/api/devices/provision", "{\"ids\":[\"n-1\",\"n-2\"],\"group\":\"lab\"}");
        assertEquals(201, ok.status(), ok.error());
        assertEquals(2, ok.body().size());
    }

    @Test
    void queriesAreCheckedNotCoerced() throws Exception {
        assertEquals(200, send("GET", "/api/devices?online=false&group=lab", null).status());
        assertRefused(400, "online", send("GET", "/api/devices?online=maybe", null));
        assertRefused(400, "colour", send("GET", "/api/devices?colour=red", null));
        assertRefused(400, "group", send("GET", "/api/devices?group=lab&group=other", null));
        assertRefused(400, "rollout id", send("GET", "/api/rollouts/1.5", null));
        assertRefused(400, "rollout id", send("GET", "/api/rollouts/99999999999999999999", null));
    }

    @Test
    void everyErrorIsJsonEvenTheServersOwn() throws Exception {
        assertRefused(404, "no route", send("GET", "/api/nothing/here", null));
        // "/" is the dashboard's page (web.DashboardSecurityTest); any other path it does not have is this 404
        assertRefused(404, "no route", send("GET", "/index.php", null));
        assertRefused(404, "no route", send("GET", "/ui/nothing", null));
        assertRefused(404, "no route", send("GET", "/favicon.ico", null));
        assertRefused(404, "no route", send("DELETE", "/api/devices/d-1", null));
        assertRefused(400, "escape", raw("GET /api/devices/%zz HTTP/1.1"));
        assertRefused(400, "escape", raw("GET /api/devices?group=%e2%28 HTTP/1.1"));
        Reply spaced = raw("GET /api/devices/a b HTTP/1.1");
        assertEquals(400, spaced.status(), spaced.raw());
        assertFalse(spaced.raw().contains("<h1>"), spaced.raw());
    }
}
