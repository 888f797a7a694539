package dev.mote.ota.sim;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import dev.mote.ota.mqtt.BrokerUrl;
import dev.mote.ota.mqtt.WireSize;
import dev.mote.ota.protocol.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One MQTT connection of a simulated device, as the C agent makes it: clean session, last will
 * "offline" (QoS 1, retained) on up/status, "online" (QoS 0, retained) once connected, then
 * down/job and down/chunk subscribed (both QoS 1). Chunks are handed to the device on the
 * client's network thread (the device copies the data out and checks its CRC, so the client's
 * buffer dies young instead of waiting in a queue); every other callback runs on the simulator's
 * executor. Counts the bytes of every MQTT packet it sends and receives.
 */
final class Connection {
    static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);
    private static final int KEEP_ALIVE_SECONDS = 60;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** What the device hears from its connection. */
    interface Listener {
        /** Connected and subscribed: time to say hello. */
        void ready(Connection c);

        /**
         * A message on one of its topics: chunks on the client's network thread (keep it short),
         * the rest on the executor. {@code payload} may be the client's buffer: read it before returning.
         */
        void received(Connection c, String leaf, ByteBuffer payload);

        /** The connection failed or was lost (not closed by the device). */
        void lost(Connection c, Throwable cause);
    }

    private final String id;
    private final Mqtt3AsyncClient client;
    private final Executor executor;
    private final LongAdder wireIn;
    private final LongAdder wireOut;
    private final Listener listener;
    private volatile boolean closed;
    /** QoS 1 messages sent and not yet acknowledged by the broker. */
    private final Set<CompletableFuture<?>> inflight = ConcurrentHashMap.newKeySet();

    Connection(String id, BrokerUrl broker, Executor executor, LongAdder wireIn, LongAdder wireOut, Listener l) {
        this.id = id;
        // once the simulator shuts its pool down, late callbacks run in place: a connect that
        // completes after close() must still reach the line that disconnects it
        this.executor = r -> {
            try {
                executor.execute(r);
            } catch (RejectedExecutionException e) {
                r.run();
            }
        };
        this.wireIn = wireIn;
        this.wireOut = wireOut;
        this.client = MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost(broker.host()).serverPort(broker.port())
                .addDisconnectedListener(ctx -> {
                    if (ctx.getSource() != MqttDisconnectSource.USER && !closed) {
                        this.executor.execute(() -> l.lost(this, ctx.getCause()));
                    }
                })
                .buildAsync();
        this.listener = l;
        client.publishes(MqttGlobalPublishFilter.ALL, this::received); // on the client's network threads
    }

    void open(String password, Listener l) {
        String will = Topics.of(id, Topics.STATUS);
        wireOut.add(WireSize.connect(id, will, OFFLINE.length, id, password));
        client.connectWith()
                .simpleAuth().username(id).password(password.getBytes(StandardCharsets.US_ASCII)).applySimpleAuth()
                .cleanSession(true).keepAlive(KEEP_ALIVE_SECONDS)
                .willPublish().topic(will).payload(OFFLINE).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                .send()
                .thenComposeAsync(ack -> {
                    wireIn.add(WireSize.ACK);
                    if (closed) {
                        return CompletableFuture.completedFuture(null);
                    }
                    // QoS 0: a broker may then keep it or not (MQTT 3.1.1, 3.3.1.3). Moquette does not,
                    // which matters: it scans every retained message on every SUBSCRIBE, and 10,000
                    // retained "online"s make each connect cost 10,000 topic matches
                    publish(Topics.STATUS, ONLINE, MqttQos.AT_MOST_ONCE, true);
                    // chunks at QoS 1 too: a broker may drop QoS 0 messages to a client that reads slowly
                    // (Moquette does), and the in-flight window paces the chunks to the device
                    // crash-ack and shell too: a device whose identity disables the remote shell
                    // ignores what comes there (as the C agent does)
                    List<String> filters = List.of(Topics.of(id, Topics.JOB), Topics.of(id, Topics.CHUNK),
                            Topics.of(id, Topics.CRASH_ACK), Topics.of(id, Topics.SHELL));
                    wireOut.add(WireSize.subscribe(filters));
                    Mqtt3Subscribe sub = Mqtt3Subscribe.builder().addSubscriptions(filters.stream()
                            .map(f -> Mqtt3Subscription.builder().topicFilter(f).qos(MqttQos.AT_LEAST_ONCE).build()))
                            .build();
                    return client.subscribe(sub).thenApply(subAck -> {
                                wireIn.add(WireSize.subAck(filters.size()));
                                return subAck;
                            });
                }, executor)
                .whenCompleteAsync((r, e) -> {
                    if (closed) {
                        close(); // closed while connecting: make sure the client lets go of its socket
                    } else if (e == null) {
                        l.ready(this);
                    } else if (client.getState().isConnected()) {
                        l.lost(this, e); // connected but the subscriptions were refused
                    } // otherwise the disconnected listener reports it
                }, executor);
    }

    private void received(Mqtt3Publish p) {
        String topic = p.getTopic().toString();
        ByteBuffer payload = p.getPayload().orElse(EMPTY); // a view, not a copy: chunks are most of the bytes
        int qos = p.getQos().getCode();
        wireIn.add(WireSize.publish(topic, payload.remaining(), qos));
        if (qos > 0) {
            wireOut.add(WireSize.ACK); // the client sends the PUBACK itself
        }
        if (closed) {
            return;
        }
        String leaf = Topics.leafOf(topic);
        if (Topics.CHUNK.equals(leaf)) {
            listener.received(this, leaf, payload);
        } else {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
            executor.execute(() -> {
                if (!closed) {
                    listener.received(this, leaf, copy);
                }
            });
        }
    }

    /** Publishes on the device's own {@code leaf}; completes when sent (QoS 0) or acknowledged (QoS 1). */
    CompletableFuture<?> publish(String leaf, byte[] payload, MqttQos qos, boolean retain) {
        String topic = Topics.of(id, leaf);
        wireOut.add(WireSize.publish(topic, payload.length, qos.getCode()));
        CompletableFuture<?> f = client.publishWith().topic(topic).qos(qos).retain(retain).payload(payload).send();
        if (qos == MqttQos.AT_MOST_ONCE) {
            return f;
        }
        inflight.add(f);
        f.whenComplete((r, e) -> inflight.remove(f));
        return f.thenRun(() -> wireIn.add(WireSize.ACK));
    }

    /**
     * Closes once the broker has acknowledged the QoS 1 messages in flight, waiting at most
     * {@code drainMillis}: a device shutting down cleanly lets its last report (a job's final
     * state) go out first, as the C agent's exit lets TCP deliver what it sent.
     */
    CompletableFuture<Void> closeAfterInflight(long drainMillis) {
        return CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).handle((r, e) -> (Void) null)
                .completeOnTimeout(null, drainMillis, TimeUnit.MILLISECONDS)
                .thenCompose(v -> close());
    }

    /** Closes the connection with a DISCONNECT (the broker drops the will); completes when closed. */
    CompletableFuture<Void> close() {
        closed = true;
        if (!client.getState().isConnected()) {
            return CompletableFuture.completedFuture(null);
        }
        wireOut.add(WireSize.EMPTY);
        return client.disconnect().exceptionally(e -> null);
    }
}
