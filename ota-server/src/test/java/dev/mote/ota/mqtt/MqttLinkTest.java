package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.DeviceEvents;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.StateReport;
import dev.mote.ota.protocol.Topics;
import dev.mote.sdk.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's link through a real (embedded) broker, with a device played by a plain MQTT client. */
class MqttLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String DEV = "dev-1";
    private static final byte[] IMAGE = new byte[100_000];

    static {
        new Random(1).nextBytes(IMAGE);
    }

    /** Serves IMAGE as job 7, records the rest; can be told to throw. */
    static final class Events implements DeviceEvents {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicBoolean failNextHello = new AtomicBoolean();

        @Override
        public void hello(String id, Hello h) {
            if (failNextHello.getAndSet(false)) {
                throw new IllegalStateException("the fleet logic broke");
            }
            seen.add(id + " " + h.toControl());
        }

        @Override
        public void state(String id, StateReport r) {
            seen.add(id + " " + r.toControl());
        }

        @Override
        public void offline(String id) {
            seen.add(id + " offline");
        }

        @Override
        public byte[] jobImage(String id, long job) {
            return job == 7 ? IMAGE : null;
        }

        boolean await(String what) throws Exception {
            return Await.until(() -> seen.contains(what), WAIT);
        }
    }

    private final Credentials creds = new Credentials(new byte[32], "server-password-for-tests");
    private final Events events = new Events();
    private Set<Thread> threadsBefore;
    private EmbeddedBroker broker;
    private MqttLink link;
    private TestClient dev;

    @BeforeEach
    void start() throws Exception {
        threadsBefore = Threads.live();
        broker = EmbeddedBroker.start("127.0.0.1", 0, creds);
        link = new MqttLink(broker.url(), creds.serverPassword(), events,
                new MqttLink.Options(16384, 8, 1 << 20, WAIT)).start();
        // devices are let in once the broker has seen the link's SUBSCRIBE, which it hears of after the SUBACK
        assertTrue(broker.awaitServerListening(WAIT), "the broker lets devices in");
        dev = TestClient.connect(BrokerUrl.parse(broker.url()), DEV, DEV, creds.devicePassword(DEV));
        dev.subscribe(Topics.of(DEV, "down/#"), MqttQos.AT_LEAST_ONCE);
    }

    @AfterEach
    void stop() throws Exception {
        // whatever start() got to, so a failed start leaks nothing into the next test
        if (dev != null) {
            dev.close();
        }
        if (link != null) {
            link.close();
        }
        broker.close();
        Threads.assertNoneLeft(threadsBefore);
    }

    private List<Chunk> chunks(int n) throws InterruptedException {
        List<Chunk> got = new ArrayList<>();
        while (got.size() < n) {
            got.add(Chunk.decode(dev.next(WAIT).orElseThrow().getPayloadAsBytes()));
        }
        return got;
    }

    @Test
    void aRequestIsAnsweredWithItsChunksInOrder() throws Exception {
        dev.publish(Topics.of(DEV, Topics.REQ), "req job=7 off=1000 len=50000", MqttQos.AT_MOST_ONCE);
        List<Chunk> got = chunks(4);
        assertEquals(List.of(1000L, 17384L, 33768L, 50152L), got.stream().map(Chunk::offset).toList());
        assertEquals(List.of(16384, 16384, 16384, 848), got.stream().map(Chunk::length).toList());
        for (Chunk c : got) {
            assertEquals(7, c.job());
            assertArrayEquals(Arrays.copyOfRange(IMAGE, (int) c.offset(), (int) c.offset() + c.length()), c.bytes());
        }
        MqttLink.Counters n = link.counters();
        assertEquals(4, n.chunksOut());
        assertEquals(1, n.messagesIn());
        assertEquals(WireSize.publish(Topics.of(DEV, Topics.REQ), 28, 0), n.bytesIn());
    }

    @Test
    void theOfferedChunkSizeAppliesAndRequestsAreClampedToWindowAndImage() throws Exception {
        link.offer(DEV, new Offer(7, "0".repeat(64), IMAGE.length, "1.0.0", 0, 1024, 4, 600));
        assertTrue(TestClient.text(dev.next(WAIT).orElseThrow()).startsWith("offer job=7 "));
        dev.publish(Topics.of(DEV, Topics.REQ), "req job=7 off=0 len=1000000", MqttQos.AT_MOST_ONCE);
        assertEquals(List.of(0L, 1024L, 2048L, 3072L), chunks(4).stream().map(Chunk::offset).toList());
        dev.publish(Topics.of(DEV, Topics.REQ), "req job=7 off=99500 len=4096", MqttQos.AT_MOST_ONCE);
        List<Chunk> tail = chunks(1);
        assertEquals(99500, tail.get(0).offset());
        assertEquals(500, tail.get(0).length());
        assertTrue(dev.next(Duration.ofMillis(300)).isEmpty(), "nothing beyond the end of the image");
    }

    @Test
    void aRequestForAJobThatIsNotTheDevicesGetsACancel() throws Exception {
        dev.publish(Topics.of(DEV, Topics.REQ), "req job=9 off=0 len=1024", MqttQos.AT_MOST_ONCE);
        assertEquals("cancel job=9", TestClient.text(dev.next(WAIT).orElseThrow()));
        assertEquals(1, link.counters().cancels());
    }

    @Test
    void deviceMessagesReachTheFleetParsed() throws Exception {
        dev.publish(Topics.of(DEV, Topics.HELLO), "hello profile=p version=1.0.0 counter=3 slot=b max_chunk=4096",
                MqttQos.AT_LEAST_ONCE);
        dev.publish(Topics.of(DEV, Topics.STATE), "state job=7 status=failed reason=bad signature: x y",
                MqttQos.AT_LEAST_ONCE);
        dev.publish(Topics.of(DEV, Topics.STATUS), "online", MqttQos.AT_LEAST_ONCE);
        dev.publish(Topics.of(DEV, Topics.STATUS), "offline", MqttQos.AT_LEAST_ONCE);
        assertTrue(events.await(DEV + " offline"), events.seen.toString());
        assertEquals(List.of(DEV + " hello profile=p version=1.0.0 counter=3 slot=b max_chunk=4096",
                DEV + " state job=7 status=failed reason=bad signature: x y", DEV + " offline"), events.seen);
    }

    /**
     * Defence in depth: a report the server receives as a retained message (a will, or one left on
     * the broker for whoever subscribes next) says nothing about now, and could have come from
     * anyone with the device's topic: it never reaches the fleet. Only up/status may be retained.
     */
    @Test
    void retainedReportsNeverReachTheFleet() throws Exception {
        // the embedded broker drops retained hello/state/req (WireGuard): none is ever stored
        try (EmbeddedBroker other = EmbeddedBroker.start("127.0.0.1", 0, creds, false)) {
            assertRetainedReportsIgnored(BrokerUrl.parse(other.url()), 0);
        }
    }

    /** Mosquitto stores them and hands them to the server as retained: MqttLink drops them. */
    @Test
    void retainedReportsFromMosquittoNeverReachTheFleet(@TempDir Path tmp) throws Exception {
        try (Mosquitto m = Mosquitto.start(tmp, creds, List.of(DEV))) {
            assertRetainedReportsIgnored(m.url(), 3);
        }
    }

    private void assertRetainedReportsIgnored(BrokerUrl url, int dropped) throws Exception {
        try (TestClient d = TestClient.connect(url, DEV, DEV, creds.devicePassword(DEV))) {
            d.publishRetained(Topics.of(DEV, Topics.STATE), "state job=7 status=confirmed version=6.6.6");
            d.publishRetained(Topics.of(DEV, Topics.HELLO), "hello profile=p version=6.6.6 counter=9 slot=b"
                    + " max_chunk=4096");
            d.publishRetained(Topics.of(DEV, Topics.REQ), "req job=7 off=0 len=1024");
            d.publishRetained(Topics.of(DEV, Topics.STATUS), "offline");
        }
        try (MqttLink l = new MqttLink(url.toString(), creds.serverPassword(), events,
                new MqttLink.Options(16384, 8, 1 << 20, WAIT)).start();
                TestClient d = TestClient.connect(url, DEV, DEV, creds.devicePassword(DEV))) {
            d.subscribe(Topics.of(DEV, "down/#"), MqttQos.AT_LEAST_ONCE);
            String hello = "hello profile=p version=1.0.0 counter=0 slot=a max_chunk=4096";
            d.publish(Topics.of(DEV, Topics.HELLO), hello, MqttQos.AT_LEAST_ONCE);
            assertTrue(events.await(DEV + " " + hello), events.seen.toString());
            assertEquals(List.of(DEV + " offline", DEV + " " + hello), events.seen);
            assertTrue(d.next(Duration.ofMillis(300)).isEmpty(), "no chunk for a retained request");
            assertEquals(dropped, l.counters().malformed());
        }
    }

    @Test
    void malformedMessagesAreCountedAndNothingStops() throws Exception {
        events.failNextHello.set(true);
        for (String[] m : new String[][] {{Topics.HELLO, "hello profile=p"}, {Topics.STATE, "state job=x status=ok"},
            {Topics.REQ, "req job=7 off=0 len=0"}, {Topics.REQ, "req job=7 off=100000 len=10"},
            {Topics.STATUS, "maybe"}, {Topics.STATE, "\u0001\u0002"}}) {
            dev.publish(Topics.of(DEV, m[0]), m[1], MqttQos.AT_LEAST_ONCE);
        }
        String hello = "hello profile=p version=1.0.0 counter=0 slot=a max_chunk=4096";
        dev.publish(Topics.of(DEV, Topics.HELLO), hello, MqttQos.AT_LEAST_ONCE); // the fleet throws on this one
        dev.publish(Topics.of(DEV, Topics.HELLO), hello, MqttQos.AT_LEAST_ONCE);
        assertTrue(events.await(DEV + " " + hello));
        Await.until(() -> link.counters().malformed() >= 6, WAIT); // requests are checked on the chunk thread
        assertEquals(6, link.counters().malformed());
        assertEquals(1, link.counters().errors());
        assertEquals(1, events.seen.size());
    }

    @Test
    void theLinkComesBackWithItsSubscriptionsWhenTheBrokerRestarts() throws Exception {
        int port = broker.port();
        dev.close();
        broker.close();
        Await.until(() -> !link.connected(), WAIT);
        assertFalse(link.connected());
        broker = EmbeddedBroker.start("127.0.0.1", port, creds);
        Await.until(() -> link.connected() && broker.serverListening(), Duration.ofSeconds(15));
        assertTrue(link.connected() && broker.serverListening(), "reconnected and subscribed again");
        // devices were refused until now: what they say is heard
        dev = TestClient.connect(BrokerUrl.parse(broker.url()), DEV, DEV, creds.devicePassword(DEV));
        String hello = "hello profile=p version=2.0.0 counter=0 slot=a max_chunk=4096";
        dev.publish(Topics.of(DEV, Topics.HELLO), hello, MqttQos.AT_LEAST_ONCE);
        assertTrue(events.await(DEV + " " + hello), events.seen.toString());
    }

    @Test
    void aBrokerThatRefusesTheServerIsAnIoException() {
        MqttLink bad = new MqttLink(broker.url(), "wrong-password-here", events, MqttLink.Options.defaults());
        IOException e = assertThrows(IOException.class, bad::start);
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }
}
