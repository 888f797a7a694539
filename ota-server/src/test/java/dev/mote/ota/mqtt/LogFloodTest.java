package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.protocol.Topics;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One authenticated device doing everything wrong, hundreds of times: the server's log gets at
 * most one line per cause for it (no stack trace), and GET /api/stats counts every one.
 */
@Timeout(120)
class LogFloodTest {
    private static final String DEV = "flood";
    private static final int N = 300;
    @TempDir
    Path dir;

    @Test
    void aDeviceCannotFloodTheLog() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        try (OtaServer s = OtaServer.start(new OtaServer.Config(dir.resolve("ota-data"), TestKeys.trusted(),
                "127.0.0.1", 0, 0, null, FleetConfig.DEFAULTS))) {
            s.fleet().provision(DEV, null, List.of());
            BrokerUrl url = BrokerUrl.parse(s.brokerUrl());
            String password = s.credentials().devicePassword(DEV);
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (TestClient d = TestClient.connect(url, DEV, DEV, password)) {
                for (int i = 0; i < N; i++) {
                    d.publish(Topics.of(DEV, Topics.STATE), "state job=" + (900_000 + i) + " status=failed reason=x",
                            MqttQos.AT_MOST_ONCE);
                    d.publish(Topics.of(DEV, Topics.HELLO), "hello profile=p", MqttQos.AT_MOST_ONCE);
                    d.publish(Topics.of("other", Topics.STATE), "state job=1 status=confirmed", MqttQos.AT_MOST_ONCE);
                }
                for (int i = 0; i < N; i++) {
                    d.publishRetained(Topics.of(DEV, Topics.STATE), "state job=1 status=confirmed");
                }
                for (int i = 0; i < 100; i++) {
                    try {
                        d.subscribe("mote/#", MqttQos.AT_MOST_ONCE);
                    } catch (Mqtt3SubAckException refused) {
                        // counted by the broker
                    }
                }
            }
            byte[] huge = new byte[EmbeddedBroker.MAX_MESSAGE + 1];
            Arrays.fill(huge, (byte) 'x');
            for (int i = 0; i < 3; i++) {
                try (TestClient d = TestClient.connect(url, DEV, DEV, password)) {
                    d.publish(Topics.of(DEV, Topics.STATE), new String(huge, StandardCharsets.US_ASCII),
                            MqttQos.AT_MOST_ONCE);
                    Await.until(() -> !d.connected(), Duration.ofSeconds(10));
                } catch (RuntimeException closed) {
                    // the broker hung up on it
                }
            }
            OtaClient rest = new OtaClient(s.restUri(), s.adminToken());
            Map<String, Long> want = Map.of("unknown_job", (long) N, "malformed", (long) N, "refused_publish",
                    (long) N, "retained", (long) N, "refused_subscribe", 100L, "oversized", 3L);
            boolean all = Await.until(() -> {
                JsonNode c = rest.get("api/stats").get("deviceComplaints");
                return want.entrySet().stream().allMatch(e -> c.get(e.getKey()).asLong() >= e.getValue());
            }, Duration.ofSeconds(30));
            JsonNode counts = rest.get("api/stats").get("deviceComplaints");
            assertTrue(all, "deviceComplaints: " + counts);
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().toList();
        long aboutIt = lines.stream().filter(l -> l.contains(DEV)).count();
        assertTrue(aboutIt >= 6 && aboutIt <= 8, "one line per cause, got " + aboutIt + ":\n" + log);
        assertEquals(0, lines.stream().filter(l -> l.trim().startsWith("at ")).count(), "no stack trace:\n" + log);
        assertTrue(lines.size() < 40, "the whole log while it flooded:\n" + log);
    }

    static final ObjectMapper JSON = new ObjectMapper();
}
