package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.sdk.testing.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /ui/events: pulses at once and on every change, on threads of their own, for signed-in pages only. */
@Timeout(60)
class LiveEventsTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    DashboardLab lab;
    WebClient web;
    URI events;

    @BeforeEach
    void start() throws Exception {
        lab = new DashboardLab(dir);
        web = new WebClient(lab.url());
        events = URI.create(lab.url() + "ui/events");
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void aPageGetsAPulseAtOnceAndAfterEveryChange() throws Exception {
        WebClient.Session s = web.signIn(lab.server.adminToken());
        try (SseStream sse = new SseStream(events, s.cookie())) {
            assertEquals(200, sse.status);
            SseStream.Event first = sse.await(0, e -> e.name().equals("pulse"), WAIT, "the first pulse");
            assertEquals(0, json(first).get("devices").asInt());
            int seen = sse.events.size();
            provision("live-1");
            SseStream.Event next = sse.await(seen, e -> e.name().equals("pulse") && json(e).get("devices").asInt() == 1,
                    WAIT, "a pulse after the change");
            assertTrue(json(next).get("changes").asLong() > json(first).get("changes").asLong());
            Thread.sleep(3 * Dashboard.LIVE_PERIOD.toMillis());
            int quiet = sse.events.size();
            Thread.sleep(3 * Dashboard.LIVE_PERIOD.toMillis());
            assertEquals(quiet, sse.events.size(), "nothing changed, nothing sent");
        }
    }

    @Test
    void streamsDoNotHoldTheRestApisWorkers() throws Exception {
        WebClient.Session s = web.signIn(lab.server.adminToken());
        List<SseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {   // three times the REST API's worker threads
                streams.add(new SseStream(events, s.cookie()));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(200, web.get("/api/overview", s.headers()).statusCode());
            }
            provision("live-2");
            for (SseStream sse : streams) {
                sse.await(0, e -> e.name().equals("pulse") && json(e).get("devices").asInt() == 1, WAIT,
                        "every stream gets the change");
            }
            JsonNode stats = lab.api.get("api/stats").get("dashboard");
            assertEquals(12, stats.get("liveStreams").asInt(), stats.toString());
            assertTrue(stats.get("events").asLong() >= 24, stats.toString());
        } finally {
            for (SseStream sse : streams) {
                sse.close();
            }
        }
    }

    @Test
    void atMostMaxStreamsPagesAndOneThatLeavesFreesItsPlace() throws Exception {
        WebClient.Session s = web.signIn(lab.server.adminToken());
        List<SseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < Dashboard.MAX_STREAMS; i++) {
                SseStream sse = new SseStream(events, s.cookie());
                streams.add(sse);
                assertEquals(200, sse.status, "stream " + i);
            }
            try (SseStream extra = new SseStream(events, s.cookie())) {
                assertEquals(503, extra.status, "one more than " + Dashboard.MAX_STREAMS);
            }
            streams.remove(0).close();
            Await.await(() -> lab.api.get("api/stats").get("dashboard").get("liveStreams").asInt()
                    == Dashboard.MAX_STREAMS - 1, WAIT, "the server sees the page leave, before any write");
            try (SseStream again = new SseStream(events, s.cookie())) {
                assertEquals(200, again.status, "its place is free");
                again.await(0, e -> e.name().equals("pulse"), WAIT, "the first pulse");
            }
            assertEquals(200, web.get("/api/overview", s.headers()).statusCode(), "the REST API still answers");
        } finally {
            for (SseStream sse : streams) {
                sse.close();
            }
        }
    }

    @Test
    void onlyASignedInPageGetsAStreamAndSigningOutEndsIt() throws Exception {
        try (SseStream anonymous = new SseStream(events, Sessions.COOKIE + "=forged")) {
            assertEquals(401, anonymous.status);
        }
        WebClient.Session s = web.signIn(lab.server.adminToken());
        try (SseStream sse = new SseStream(events, s.cookie())) {
            sse.await(0, e -> e.name().equals("pulse"), WAIT, "the first pulse");
            assertEquals(200, web.post("/ui/logout", "{}", s.headers("X-CSRF-Token", s.csrf())).statusCode());
            sse.await(0, e -> e.name().equals("signout"), WAIT, "told the session ended");
            sse.await(0, e -> e.name().equals("eof"), WAIT, "the stream closed");
        }
    }

    private void provision(String id) throws Exception {
        lab.api.post("api/devices/provision", Map.of("ids", List.of(id)));
    }

    private static JsonNode json(SseStream.Event e) {
        try {
            return Exchanges.JSON.readTree(e.data());
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }
}
