package dev.mote.ota.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import dev.mote.ota.mqtt.BrokerUrl;
import dev.mote.ota.protocol.Topics;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A simulated device's connection against a scripted MQTT peer that acknowledges PUBLISHes late:
 * a device that stops lets its last QoS 1 report be acknowledged before it disconnects (the
 * simulator's final "failed"/"confirmed" reports were lost when a run ended right after them).
 */
class ConnectionTest {

    /** Packet types (high nibbles) in the order the peer saw them, with "puback" where it sent one. */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    /** The scripted peer's thread (not the common pool: one thread on a 2-core machine). */
    private final ExecutorService peers = Executors.newCachedThreadPool();

    @AfterEach
    void stopPeers() {
        peers.shutdownNow();
    }

    @Test
    void stoppingWaitsForTheLastReportsAcknowledgement() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> slowPeer(server, 400), peers);
            Connection c = connected(server);
            CompletableFuture<?> report = c.publish(Topics.STATE, "state job=7 status=failed".getBytes(
                    StandardCharsets.US_ASCII), MqttQos.AT_LEAST_ONCE, false);
            c.closeAfterInflight(5000).get(10, TimeUnit.SECONDS);
            peer.get(10, TimeUnit.SECONDS);
            assertTrue(report.isDone() && !report.isCompletedExceptionally(), "the report was acknowledged");
            assertEquals(List.of("connect", "publish", "subscribe", "publish", "puback", "disconnect"), seen);
        }
    }

    @Test
    void aPeerThatNeverAcknowledgesDelaysTheCloseOnlyByTheBound() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> slowPeer(server, -1), peers);
            Connection c = connected(server);
            c.publish(Topics.STATE, "x".getBytes(StandardCharsets.US_ASCII), MqttQos.AT_LEAST_ONCE, false);
            long t0 = System.nanoTime();
            c.closeAfterInflight(300).get(10, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 250 && ms < 5000, "closed after " + ms + " ms");
        }
    }

    /** A device's connection to the scripted peer on {@code server}, connected and subscribed. */
    private Connection connected(ServerSocket server) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Connection.Listener l = new Connection.Listener() {
            @Override
            public void ready(Connection conn) {
                ready.complete(null);
            }

            @Override
            public void received(Connection conn, String leaf, ByteBuffer payload) {
            }

            @Override
            public void lost(Connection conn, Throwable cause) {
                ready.completeExceptionally(cause);
            }
        };
        Connection c = new Connection("dev", BrokerUrl.parse("tcp://127.0.0.1:" + server.getLocalPort()), peers,
                new LongAdder(), new LongAdder(), l);
        c.open("secret", l);
        ready.get(10, TimeUnit.SECONDS);
        return c;
    }

    /**
     * Accepts one client: CONNACK, SUBACK (QoS 1 each), and a PUBACK {@code ackDelayMs} after each
     * QoS 1 PUBLISH (never if negative), reading on meanwhile; records what arrives until the client
     * disconnects or goes away.
     */
    private void slowPeer(ServerSocket server, long ackDelayMs) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (;;) {
                int type = in.read();
                if (type < 0) {
                    return;
                }
                int len = 0;
                for (int shift = 0, b; ; shift += 7) {
                    b = in.readUnsignedByte();
                    len |= (b & 0x7f) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                byte[] body = in.readNBytes(len);
                switch (type >> 4) {
                    case 1 -> {
                        seen.add("connect");
                        synchronized (out) {
                            out.write(new byte[] {0x20, 2, 0, 0});
                        }
                    }
                    case 3 -> {
                        seen.add("publish");
                        if ((type & 0x06) != 0 && ackDelayMs >= 0) {
                            int topicLen = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
                            byte[] ack = {0x40, 2, body[2 + topicLen], body[3 + topicLen]};
                            CompletableFuture.delayedExecutor(ackDelayMs, TimeUnit.MILLISECONDS, peers).execute(() -> {
                                synchronized (out) {
                                    try {
                                        seen.add("puback");
                                        out.write(ack);
                                    } catch (IOException e) {
                                        seen.add("puback failed");
                                    }
                                }
                            });
                        }
                    }
                    case 8 -> {
                        seen.add("subscribe");
                        int n = 0;
                        for (int i = 2; i < body.length; i += 3 + (((body[i] & 0xff) << 8) | (body[i + 1] & 0xff))) {
                            n++;
                        }
                        byte[] ack = new byte[4 + n];
                        ack[0] = (byte) 0x90;
                        ack[1] = (byte) (2 + n);
                        ack[2] = body[0];
                        ack[3] = body[1];
                        for (int i = 0; i < n; i++) {
                            ack[4 + i] = 1;
                        }
                        synchronized (out) {
                            out.write(ack);
                        }
                    }
                    case 14 -> {
                        seen.add("disconnect");
                        return;
                    }
                    default -> seen.add("type " + (type >> 4));
                }
            }
        } catch (IOException e) {
            seen.add("gone");
        }
    }
}
