package dev.mote.ota.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.sun.management.OperatingSystemMXBean;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.mqtt.BrokerUrl;
import dev.mote.ota.mqtt.EmbeddedBroker;
import dev.mote.ota.mqtt.FakeFleet;
import dev.mote.ota.mqtt.Mosquitto;
import dev.mote.ota.mqtt.MqttLink;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Topics;
import dev.mote.sdk.image.SigningKey;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A fleet update measured end to end, in one JVM: broker, server link (MqttLink), N simulated
 * devices; then the broker's raw pub/sub throughput for the same bytes. Not part of the normal
 * build; run it with
 * <pre>
 * mvn -B -q -ntp -pl ota-server -am test -Dtest=SimulatorBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dmote.bench=1000 [-Dmote.bench.size=1048576] [-Dmote.bench.broker=mosquitto]
 *     [-Dmote.bench.chunk=16384] [-Dmote.bench.window=8] [-Dmote.bench.timeout.ms=5000]
 * mvn ... -Dtest=SimulatorBench -Dmote.bench.hold=10000 [-Dmote.bench.hold.seconds=30]   (connections only)
 * </pre>
 */
class SimulatorBench {
    private static final int CHUNK = Integer.getInteger("mote.bench.chunk", 16 * 1024);
    private static final int WINDOW = Integer.getInteger("mote.bench.window", 8);
    private static final Duration TIMEOUT = Duration.ofMillis(Integer.getInteger("mote.bench.timeout.ms", 5000));

    @Test
    @EnabledIfSystemProperty(named = "mote.bench", matches = "\\d+")
    void updateAFleet() throws Exception {
        int n = Integer.getInteger("mote.bench");
        int payload = Integer.getInteger("mote.bench.size", 1 << 20);
        boolean mosquitto = "mosquitto".equals(System.getProperty("mote.bench.broker"));
        SigningKey key = SigningKey.generate();
        byte[] image = SignedImages.image(key, SignedImages.PROFILE, "2.0.0", 1, payload);
        Credentials creds = new Credentials(new byte[32], "server-password-for-bench");
        List<String> ids = IntStream.range(0, n).mapToObj(i -> String.format("bench-%05d", i)).toList();
        Path dir = Files.createTempDirectory("mote-bench");
        FakeFleet fleet = new FakeFleet();
        Mosquitto mq = mosquitto ? Mosquitto.start(dir, creds, ids) : null;
        EmbeddedBroker eb = mosquitto ? null : EmbeddedBroker.start("127.0.0.1", 0, creds);
        String url = mosquitto ? mq.url().toString() : eb.url();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (MqttLink link = new MqttLink(url, creds.serverPassword(), fleet, MqttLink.Options.defaults()).start();
             Simulator sim = new Simulator(Simulator.Options.defaults(url).withRequestTimeout(TIMEOUT))) {
            fleet.link(link);
            for (int i = 0; i < n; i++) {
                fleet.assign(ids.get(i), 1 + i, image, CHUNK, WINDOW);
                sim.add(DeviceSpec.of(ids.get(i), creds.devicePassword(ids.get(i)), SignedImages.PROFILE, "1.0.0",
                        List.of(key.publicKey())));
            }
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            sim.start();
            boolean done = sim.awaitFinished(Duration.ofMinutes(30));
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            Simulator.Summary s = sim.summary();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("BENCH %s chunk %d x %d, timeout %d ms: %d devices x %d B image: %s in %.1f s (%.1f MB/s of image), "
                    + "process CPU %.1f s, heap used %d MiB%n", mosquitto ? "mosquitto" : "embedded", CHUNK, WINDOW,
                    TIMEOUT.toMillis(), n, image.length,
                    s.statuses(), secs, (double) n * image.length / secs / 1e6, cpu,
                    (rt.totalMemory() - rt.freeMemory()) >> 20);
            System.out.printf("BENCH per device: in %.4f x image, out %d B; restarts %d, dropped chunks %d, "
                    + "confirm median %d ms max %d ms; link %s%n", (double) s.wireIn() / n / image.length,
                    s.wireOut() / n, s.restarts(), s.droppedChunks(), s.medianConfirmMillis(), s.maxConfirmMillis(),
                    link.counters());
            assertTrue(done, s.toString());
        }
        try {
            // after the link closed: with Mosquitto, the raw publisher takes over the server's client id
            raw(BrokerUrl.parse(url), creds, ids, image.length);
        } finally {
            if (eb != null) {
                eb.close();
            }
            if (mq != null) {
                mq.close();
            }
        }
    }

    /**
     * N devices connect, say hello and stay connected for a while (-Dmote.bench.hold=N). With
     * -Dmote.bench.url=tcp://... the devices connect to a server running in another process (one
     * process cannot hold both ends of 10,000 connections under a 20,000 open-file limit).
     */
    @Test
    @EnabledIfSystemProperty(named = "mote.bench.hold", matches = "\\d+")
    void holdConnections() throws Exception {
        int n = Integer.getInteger("mote.bench.hold");
        int seconds = Integer.getInteger("mote.bench.hold.seconds", 30);
        String external = System.getProperty("mote.bench.url");
        boolean mosquitto = "mosquitto".equals(System.getProperty("mote.bench.broker"));
        Credentials creds = new Credentials(new byte[32], "server-password-for-bench");
        List<String> ids = IntStream.range(0, n).mapToObj(i -> String.format("hold-%05d", i)).toList();
        FakeFleet fleet = new FakeFleet();
        Mosquitto mq = external == null && mosquitto ? Mosquitto.start(Files.createTempDirectory("mote-bench"), creds, ids)
                : null;
        EmbeddedBroker eb = external == null && !mosquitto ? EmbeddedBroker.start("127.0.0.1", 0, creds) : null;
        String url = external != null ? external : mosquitto ? mq.url().toString() : eb.url();
        MqttLink link = external != null ? null
                : new MqttLink(url, creds.serverPassword(), fleet, MqttLink.Options.defaults()).start();
        try (Simulator sim = new Simulator(Simulator.Options.defaults(url))) {
            SigningKey key = SigningKey.generate();
            ids.forEach(id -> sim.add(DeviceSpec.of(id, creds.devicePassword(id), SignedImages.PROFILE, "1.0.0",
                    List.of(key.publicKey()))));
            long t0 = System.nanoTime();
            sim.start();
            // every device is connected and subscribed once it has said hello: its job status says "none"
            assertTrue(sim.await(d -> d.stats().connects() > 0 && d.helloSent(), Duration.ofMinutes(10)));
            double secs = (System.nanoTime() - t0) / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.gc();
            System.out.printf("BENCH hold %s: %d devices connected and said hello in %.1f s; heap used %d MiB,"
                    + " %d threads%n", external != null ? url : mosquitto ? "mosquitto" : "embedded", n, secs,
                    (rt.totalMemory() - rt.freeMemory()) >> 20, Thread.activeCount());
            Thread.sleep(seconds * 1000L);
            Simulator.Summary s = sim.summary();
            long online = sim.devices().stream().filter(SimulatedDevice::online).count();
            System.out.printf("BENCH hold: after %d s: %d of %d devices online, %d connects in all; link %s%n",
                    seconds, online, n, s.connects(), link == null ? "elsewhere" : link.counters());
            assertTrue(online == n, s.toString());
        } finally {
            if (link != null) {
                link.close();
            }
            if (eb != null) {
                eb.close();
            }
            if (mq != null) {
                mq.close();
            }
        }
    }

    /**
     * The broker alone: the server's account publishes each device its image's bytes in chunk-sized
     * messages, at QoS 1 like the chunks.
     */
    private static void raw(BrokerUrl url, Credentials creds, List<String> ids, int bytes) throws Exception {
        AtomicLong received = new AtomicLong();
        List<Mqtt3AsyncClient> clients = new ArrayList<>();
        try {
            for (String id : ids) {
                Mqtt3AsyncClient c = MqttClient.builder().useMqttVersion3().identifier(id)
                        .serverHost(url.host()).serverPort(url.port()).buildAsync();
                c.publishes(MqttGlobalPublishFilter.ALL, p -> received.addAndGet(p.getPayloadAsBytes().length));
                clients.add(c);
                for (int attempt = 1; ; attempt++) {
                    try {
                        c.connectWith().simpleAuth().username(id).password(creds.devicePassword(id).getBytes())
                                .applySimpleAuth().send().thenCompose(a -> c.subscribeWith()
                                        .topicFilter(Topics.of(id, Topics.CHUNK)).qos(MqttQos.AT_LEAST_ONCE).send())
                                .get(30, TimeUnit.SECONDS);
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        // Moquette now and then drops a SUBSCRIBE that follows its CONNACK too closely
                        if (attempt == 3) {
                            throw e;
                        }
                    }
                }
            }
            Mqtt3AsyncClient server = MqttClient.builder().useMqttVersion3().identifier(Credentials.SERVER_USER + ":raw")
                    .serverHost(url.host()).serverPort(url.port()).buildAsync();
            server.connectWith().simpleAuth().username(Credentials.SERVER_USER)
                    .password(creds.serverPassword().getBytes()).applySimpleAuth().send().get(30, TimeUnit.SECONDS);
            clients.add(server);
            byte[] msg = new byte[CHUNK + Chunk.HEADER];
            long total = (long) ids.size() * (bytes / CHUNK) * msg.length;
            Semaphore window = new Semaphore(8 << 20);
            long t0 = System.nanoTime();
            for (int k = 0; k < bytes / CHUNK; k++) {
                for (String id : ids) {
                    window.acquire(msg.length);
                    server.publishWith().topic(Topics.of(id, Topics.CHUNK)).qos(MqttQos.AT_LEAST_ONCE).payload(msg).send()
                            .whenComplete((r, e) -> window.release(msg.length));
                }
            }
            // a broker may drop QoS 0 messages to a client that does not keep up (Moquette does):
            // stop when everything came, or when nothing more came for 5 s
            long last = -1;
            long lastChange = System.nanoTime();
            long end = lastChange;
            while (received.get() < total && System.nanoTime() - lastChange < 5_000_000_000L) {
                Thread.sleep(5);
                if (received.get() != last) {
                    last = received.get();
                    lastChange = end = System.nanoTime();
                }
            }
            double secs = (Math.max(end, lastChange) - t0) / 1e9;
            System.out.printf("BENCH raw pub/sub: %d of %d B in %.1f s: %.1f MB/s%n", received.get(), total, secs,
                    received.get() / secs / 1e6);
        } finally {
            CompletableFuture.allOf(clients.stream().filter(c -> c.getState().isConnected())
                    .map(c -> c.disconnect().exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
    }
}
