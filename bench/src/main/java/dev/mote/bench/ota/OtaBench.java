package dev.mote.bench.ota;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Topics;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/ota's Java half, run against mote-ota.jar and the SDK's test fixtures:
 * {@code java -cp ota-server/target/mote-ota.jar:sdk/target/mote-sdk-0.1.0-tests.jar:bench/target/mote-bench.jar
 * dev.mote.bench.ota.OtaBench ...}.
 *
 * <pre>
 * OtaBench image DIR PROFILE VERSION PAYLOAD_BYTES
 *     a new key pair DIR/bench.key|.pub and DIR/bench.img: a real signed image (TestImage, the SDK's code)
 * OtaBench images DIR PROFILE COUNT PAYLOAD_BYTES
 *     as image, COUNT of them signed by one new key: DIR/bench-K.img with versions 2.1.K (K = 1..COUNT),
 *     one per rollout of bench/ota's kill mode
 * OtaBench raw DATA_DIR tcp://HOST:PORT PREFIX N IMAGE_BYTES CHUNK IN_FLIGHT_BYTES
 *     the broker alone, for the same bytes as a rollout: N subscribers with the devices' ids and
 *     passwords (PREFIX-00000..) on their down/chunk topics at QoS 1, and one publisher with the
 *     server's account sending each of them IMAGE_BYTES in CHUNK-sized messages (plus the 12-byte
 *     chunk header) at QoS 1, at most IN_FLIGHT_BYTES published but not yet received.
 *     Timed from the first publish to the last message received. Prints one JSON line.
 * </pre>
 */
public final class OtaBench {
    private static final AtomicLong RETRIES = new AtomicLong();

    public static void main(String[] a) throws Exception {
        if (a.length == 5 && a[0].equals("image")) {
            Path dir = Path.of(a[1]);
            SigningKey key = TestKeys.stranger();
            TestKeys.write(key, dir.resolve("bench"));
            TestImage.of(a[2]).version(a[3]).counter(1).randomPayload(Integer.parseInt(a[4]), 1)
                    .write(dir.resolve("bench.img"), key);
        } else if (a.length == 5 && a[0].equals("images")) {
            Path dir = Path.of(a[1]);
            SigningKey key = TestKeys.stranger();
            TestKeys.write(key, dir.resolve("bench"));
            for (int k = 1; k <= Integer.parseInt(a[3]); k++) {
                TestImage.of(a[2]).version("2.1." + k).counter(1).randomPayload(Integer.parseInt(a[4]), k)
                        .write(dir.resolve("bench-" + k + ".img"), key);
            }
        } else if (a.length == 8 && a[0].equals("raw")) {
            raw(Credentials.load(Path.of(a[1])), a[2].replaceFirst("^tcp://", ""), a[3], Integer.parseInt(a[4]),
                    Integer.parseInt(a[5]), Integer.parseInt(a[6]), Integer.parseInt(a[7]));
        } else {
            System.err.println("usage: OtaBench image DIR PROFILE VERSION PAYLOAD_BYTES\n"
                    + "       OtaBench images DIR PROFILE COUNT PAYLOAD_BYTES\n"
                    + "       OtaBench raw DATA_DIR tcp://HOST:PORT PREFIX N IMAGE_BYTES CHUNK IN_FLIGHT_BYTES");
            System.exit(2);
        }
    }

    private static void raw(Credentials creds, String hostPort, String prefix, int n, int image, int chunk,
                            int inFlight) throws Exception {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        AtomicLong received = new AtomicLong();
        AtomicLong lastAt = new AtomicLong();
        // end to end: a message's bytes count as in flight until its subscriber has it (a broker
        // acknowledges a QoS 1 publish on receipt, so PUBACKs alone would not pace the delivery,
        // and Mosquitto drops what overflows a subscriber's queue)
        Semaphore window = new Semaphore(inFlight);
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        Semaphore connecting = new Semaphore(200);
        boolean[] subscribed = new boolean[n];
        List<CompletableFuture<?>> ready = new ArrayList<>();
        long c0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String id = String.format("%s-%05d", prefix, i);
            Mqtt3AsyncClient c = MqttClient.builder().useMqttVersion3().identifier(id).serverHost(host)
                    .serverPort(port).buildAsync();
            c.publishes(MqttGlobalPublishFilter.ALL, p -> {
                int len = p.getPayload().map(b -> b.remaining()).orElse(0);
                received.addAndGet(len);
                lastAt.set(System.nanoTime());
                window.release(len);
            });
            clients.add(c);
            connecting.acquire();
            int device = i;
            ready.add(subscribe(c, id, creds.devicePassword(id), 5).whenComplete((r, e) -> {
                subscribed[device] = e == null; // one that never subscribed is left out, and counted
                connecting.release();
            }));
        }
        CompletableFuture.allOf(ready.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.MINUTES);
        int unsubscribed = 0;
        for (boolean b : subscribed) {
            unsubscribed += b ? 0 : 1;
        }
        double connectSecs = (System.nanoTime() - c0) / 1e9;
        Mqtt3AsyncClient server = MqttClient.builder().useMqttVersion3().identifier(Credentials.SERVER_USER + ":raw")
                .serverHost(host).serverPort(port).buildAsync();
        server.connectWith().simpleAuth().username(Credentials.SERVER_USER)
                .password(creds.serverPassword().getBytes()).applySimpleAuth().send().get(30, TimeUnit.SECONDS);
        clients.add(server);
        int messages = (image + chunk - 1) / chunk;
        long total = (long) (n - unsubscribed) * (image + (long) messages * Chunk.HEADER);
        byte[] full = new byte[chunk + Chunk.HEADER];
        byte[] tail = new byte[image - (messages - 1) * chunk + Chunk.HEADER];
        long t0 = System.nanoTime();
        publishing:
        for (int k = 0; k < messages; k++) {
            byte[] msg = k == messages - 1 ? tail : full;
            for (int i = 0; i < n; i++) {
                if (!subscribed[i]) {
                    continue;
                }
                if (!window.tryAcquire(msg.length, 10, TimeUnit.SECONDS)) {
                    break publishing; // messages were lost: report what came
                }
                server.publishWith().topic(Topics.of(String.format("%s-%05d", prefix, i), Topics.CHUNK))
                        .qos(MqttQos.AT_LEAST_ONCE).payload(msg).send();
            }
        }
        // stop when everything came, or when nothing more came for 10 s (a broker that drops)
        while (received.get() < total && System.nanoTime() - Math.max(lastAt.get(), t0) < 10_000_000_000L) {
            Thread.sleep(5);
        }
        double secs = (lastAt.get() - t0) / 1e9;
        System.out.printf("{\"devices\": %d, \"bytes\": %d, \"expected\": %d, \"seconds\": %.3f, \"connectSeconds\": %.3f, "
                + "\"connectRetries\": %d, \"unsubscribed\": %d}%n", n, received.get(), total, secs, connectSecs,
                RETRIES.get(), unsubscribed);
        try {
            CompletableFuture.allOf(clients.stream().filter(c -> c.getState().isConnected())
                    .map(c -> c.disconnect().exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println("OtaBench: not every client disconnected within 60 s"); // the result stands
        }
        System.exit(0);
    }

    /**
     * Connects (unless connected) and subscribes; again after a failure or 20 s without an answer,
     * up to {@code attempts} times: Moquette now and then drops a SUBSCRIBE that follows its
     * CONNACK too closely, and never answers it. Every step has a time limit, so this always ends.
     */
    private static CompletableFuture<?> subscribe(Mqtt3AsyncClient c, String id, String password, int attempts) {
        CompletableFuture<?> connected = c.getState().isConnected() ? CompletableFuture.completedFuture(null)
                : c.connectWith().simpleAuth().username(id).password(password.getBytes()).applySimpleAuth()
                        .cleanSession(true).send().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS);
        CompletableFuture<?> f = connected.thenCompose(ack -> c.subscribeWith().topicFilter(Topics.of(id, Topics.CHUNK))
                .qos(MqttQos.AT_LEAST_ONCE).send().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS));
        if (attempts <= 1) {
            return f;
        }
        return f.handle((r, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(r);
            }
            RETRIES.incrementAndGet();
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
                    .thenCompose(x -> subscribe(c, id, password, attempts - 1));
        }).thenCompose(x -> x);
    }
}
