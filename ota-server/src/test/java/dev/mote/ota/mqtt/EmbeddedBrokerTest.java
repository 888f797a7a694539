package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.Complaints;
import dev.mote.ota.protocol.Topics;
import dev.mote.sdk.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerTest extends BrokerContract {
    private EmbeddedBroker embedded;

    @Override
    BrokerUrl startBroker(Credentials c) throws IOException {
        embedded = EmbeddedBroker.start("127.0.0.1", 0, c, false); // no server link here
        return BrokerUrl.parse(embedded.url());
    }

    @Override
    void stopBroker() {
        embedded.close();
    }

    @Test
    void portZeroPicksAFreePortOnLoopback() {
        assertTrue(embedded.port() > 0);
        assertEquals("tcp://127.0.0.1:" + embedded.port(), embedded.url());
    }

    @Test
    void aBusyPortIsAnIoExceptionAndLeavesNoThreads() throws Exception {
        Set<Thread> before = Threads.live();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class,
                    () -> EmbeddedBroker.start("127.0.0.1", taken.getLocalPort(), creds));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        Threads.assertNoneLeft(before);
    }

    /**
     * Someone else answering on the port is not this broker listening (Moquette only logs its failed
     * bind): with a port picked beforehand, that once sent a test's clients to another broker.
     */
    @Test
    void aPortAnotherServerAnswersOnIsRefused() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        other.accept().close();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            t.setDaemon(true);
            t.start();
            IOException e = assertThrows(IOException.class,
                    () -> EmbeddedBroker.start("127.0.0.1", other.getLocalPort(), creds));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + other.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void subscriptionsOutsideTheDevicesDownTopicsAreRefusedInTheSubAck() {
        try (TestClient a = device(A)) {
            for (String filter : new String[] {Topics.of(B, Topics.CHUNK), Topics.allDevices(Topics.CHUNK), "mote/#",
                "#", Topics.of(A, Topics.HELLO)}) {
                assertThrows(Mqtt3SubAckException.class, () -> a.subscribe(filter, MqttQos.AT_MOST_ONCE), filter);
            }
            a.subscribe(Topics.of(A, "down/#"), MqttQos.AT_MOST_ONCE);
        }
    }

    /** The broker of a server that is starting refuses devices until the server subscribed to their hellos. */
    @Test
    void devicesWaitUntilTheServerListens() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.start("127.0.0.1", 0, creds)) {
            BrokerUrl url = BrokerUrl.parse(b.url());
            assertThrows(Mqtt3ConnAckException.class, () -> TestClient.connect(url, A, A, creds.devicePassword(A)));
            try (TestClient server = TestClient.connect(url, Credentials.SERVER_USER, Credentials.SERVER_USER,
                    creds.serverPassword())) {
                server.subscribe(Topics.allDevices(Topics.HELLO), MqttQos.AT_LEAST_ONCE);
                Await.until(b::serverListening, WAIT);
                TestClient.connect(url, A, A, creds.devicePassword(A)).close();
            }
        }
    }

    @Test
    void aBlockedDeviceIsRefused() throws Exception {
        creds.setBlocked(id -> id.equals(B));
        try {
            assertThrows(Mqtt3ConnAckException.class, () -> device(B));
            device(A).close();
        } finally {
            creds.setBlocked(null);
        }
        device(B).close();
    }

    /**
     * The ACL applies to the will at CONNECT: a device naming a will topic it may not publish to
     * gets CONNACK 5 (not authorized) and no session, so there is nothing to publish when the
     * connection drops. Its own status topic is fine.
     */
    @Test
    void aConnectWithAForgedWillIsRefusedNotAuthorized() throws Exception {
        String f = FORGER;
        assertEquals(5, TestClient.connAckForWill(broker, f, creds.devicePassword(f), Topics.of(A, Topics.STATE)));
        assertEquals(5, TestClient.connAckForWill(broker, f, creds.devicePassword(f), Topics.of(f, "down/job")));
        assertEquals(5, TestClient.connAckForWill(broker, f, creds.devicePassword(f), "mote/dev/+/up/state"));
        // its own topics too: the one will of the protocol is "offline" on up/status, so a will
        // can never mean anything else
        assertEquals(5, TestClient.connAckForWill(broker, B, creds.devicePassword(B), Topics.of(B, Topics.STATE)));
        assertEquals(0, TestClient.connAckForWill(broker, B, creds.devicePassword(B), Topics.of(B, Topics.STATUS)));
        device(B).close(); // a will on its own topic does not get a device refused later
        assertTrue(embedded.complaints().count(Complaints.Cause.FORGED_WILL) >= 4);
    }

    /** Retained messages on hello/state/req are dropped (acknowledged): the server could not tell them from live ones. */
    @Test
    void onlyTheStatusMayBeRetained() throws Exception {
        try (TestClient b = device(B)) {
            long before = embedded.complaints().count(Complaints.Cause.RETAINED);
            b.publishRetained(Topics.of(B, Topics.STATE), "state job=1 status=confirmed version=6.6.6");
            b.publishRetained(Topics.of(B, Topics.STATUS), "online");
            assertEquals(before + 1, embedded.complaints().count(Complaints.Cause.RETAINED));
        }
        try (TestClient server = server()) {
            server.subscribe(Topics.of(B, "up/#"), MqttQos.AT_LEAST_ONCE);
            assertEquals("online", TestClient.text(server.next(WAIT).orElseThrow()));
            assertTrue(server.next(QUIET).isEmpty());
        }
    }

    /** A device that tried to forge a will is refused from then on (until the server restarts). */
    @Test
    void aDeviceThatForgesAWillIsRefusedFromThenOn() throws Exception {
        forgeAWill();
        assertEquals(1, embedded.forgedWills());
        assertThrows(Mqtt3ConnAckException.class, () -> device(FORGER));
        assertFalse(embedded.forgedWills() > 1);
    }
}
