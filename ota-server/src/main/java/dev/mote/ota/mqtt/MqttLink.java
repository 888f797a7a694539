package dev.mote.ota.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.Complaints;
import dev.mote.ota.fleet.DeviceEvents;
import dev.mote.ota.fleet.DeviceLink;
import dev.mote.ota.observe.ObserveEvents;
import dev.mote.ota.observe.ObserveLink;
import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.ChunkRequest;
import dev.mote.ota.protocol.Control;
import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.CrashReport;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.LogBatch;
import dev.mote.ota.protocol.Metrics;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.ProtocolException;
import dev.mote.ota.protocol.ShellCommand;
import dev.mote.ota.protocol.ShellReply;
import dev.mote.ota.protocol.StateReport;
import dev.mote.ota.protocol.Topics;
import io.reactivex.disposables.Disposable;
import io.reactivex.schedulers.Schedulers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * The server's side of docs/ota-protocol.md over MQTT: one connection, as {@link Credentials#SERVER_USER},
 * to the embedded broker or an external one. Messages are parsed on one thread, in arrival order;
 * chunk requests are answered here ({@link ChunkStreamer}) from {@link DeviceEvents#jobImage};
 * hellos, states and wills go to {@link DeviceEvents} on a lane thread of their device (one lane,
 * or a few for a database that takes transactions side by side), each device's in arrival order.
 * So a chunk request never waits behind another device's database transaction. A message that breaks the protocol is counted and dropped, never
 * thrown. The connection comes back by itself when the broker restarts, with its subscriptions;
 * the session is persistent, so an external broker keeps a device's QoS 1 reports while the server
 * is down.
 *
 * <p>Several instances on one broker ({@code shared}) each log in with an account of their own
 * (mote-server-NAME) and subscribe to {@code $share/mote/mote/dev/+/up/...}: the broker hands each
 * device message to one of them (MQTT 5 shared subscriptions, which Mosquitto 2.0 also gives
 * MQTT 3.1.1 clients); shell replies alone go to every instance, for the one whose REST
 * request waits for them. Their sessions are clean: a persistent session of an instance that died
 * would go on taking its share of the messages into a queue no one reads.
 */
public final class MqttLink implements DeviceLink, ObserveLink, AutoCloseable {
    /**
     * @param chunk bytes per chunk when answering a request the link has no offer for (after a
     *     restart; otherwise the offer's chunk and window apply)
     * @param window chunks per request, likewise
     * @param maxOutstandingBytes chunk bytes sent and not yet acknowledged by the broker
     * @param connectTimeout how long {@link #start} waits for the broker
     */
    public record Options(int chunk, int window, int maxOutstandingBytes, Duration connectTimeout) {
        public Options {
            if (chunk < Chunk.MIN_DATA || chunk > Chunk.MAX_DATA || window < 1 || window > 256) {
                throw new IllegalArgumentException("chunk " + chunk + " / window " + window + ": chunk must be "
                        + Chunk.MIN_DATA + ".." + Chunk.MAX_DATA + ", window 1..256");
            }
            if (maxOutstandingBytes < Chunk.MAX_DATA + Chunk.HEADER) {
                throw new IllegalArgumentException("maxOutstandingBytes: at least one largest chunk");
            }
        }

        public static Options defaults() {
            return new Options(16 * 1024, 4, 8 << 20, Duration.ofSeconds(10));
        }
    }

    /** Totals since start; bytes are MQTT PUBLISH packet sizes ({@link WireSize}). */
    public record Counters(long messagesIn, long bytesIn, long messagesOut, long bytesOut, long chunksOut,
                           long malformed, long requestsDropped, long cancels, long errors) {
    }

    private static final long MAX_BACKOFF_MILLIS = 2000;
    private static final List<String> LEAVES = List.of(Topics.HELLO, Topics.STATE, Topics.REQ, Topics.STATUS,
            Topics.CRASH, Topics.LOG, Topics.METRICS, Topics.SHELL_REPLY);
    /** The shared subscription group of the server's instances. */
    public static final String SHARE = "$share/mote/";
    private static final int LANE_QUEUE = 4096;

    private final BrokerUrl broker;
    private final byte[] password;
    private final DeviceEvents events;
    private final Options options;
    private final LinkStats stats = new LinkStats();
    private final ExecutorService eventThread =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "mote-mqtt-events"));
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
    private final ChunkStreamer streamer;
    private final Mqtt3AsyncClient client;
    private final Disposable inbox;
    private final boolean shared;
    private final ThreadPoolExecutor[] lanes;
    private volatile boolean closing;
    private volatile ObserveEvents observe;

    public MqttLink(String brokerUrl, String serverPassword, DeviceEvents events, Options options) {
        this(brokerUrl, Credentials.SERVER_USER, serverPassword, false, 1, events, options);
    }

    /**
     * A link as MQTT user {@code user} (also its client id); with {@code shared}, one of several
     * instances sharing the device traffic; device events on {@code lanes} threads.
     */
    public MqttLink(String brokerUrl, String user, String serverPassword, boolean shared, int lanes,
                    DeviceEvents events, Options options) {
        this.shared = shared;
        this.lanes = new ThreadPoolExecutor[lanes];
        for (int i = 0; i < lanes; i++) {
            String name = "mote-mqtt-fleet-" + i;
            // a full lane holds the parsing thread up (and so the broker), as one thread did before
            this.lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(LANE_QUEUE),
                    r -> new Thread(r, name), (r, pool) -> {
                        try {
                            if (!pool.isShutdown()) {
                                pool.getQueue().put(r);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
        }
        this.broker = BrokerUrl.parse(brokerUrl);
        this.password = serverPassword.getBytes(StandardCharsets.US_ASCII);
        this.events = events;
        this.options = options;
        this.streamer = new ChunkStreamer(this, events, stats, options);
        this.client = MqttClient.builder().useMqttVersion3()
                .identifier(user)
                .serverHost(broker.host()).serverPort(broker.port())
                // on the builder, not the CONNECT: reconnects reuse only the builder's auth
                .simpleAuth().username(user).password(password).applySimpleAuth()
                .addConnectedListener(ctx -> onConnected())
                .addDisconnectedListener(this::disconnected)
                .buildAsync();
        // registered once, before connecting: it outlives reconnects, and it catches what a
        // persistent session delivers before the subscriptions are renewed; disposed by close(),
        // which the client's network threads wait for
        this.inbox = client.toRx().publishes(MqttGlobalPublishFilter.ALL)
                .observeOn(Schedulers.from(eventThread), true)
                .subscribe(this::received, e -> Logger.error(e, "MQTT link: incoming messages stopped"));
    }

    /** Connects; IOException when the broker refuses or does not answer within the connect timeout. */
    public MqttLink start() throws IOException {
        // the listeners decide: onConnected() completes firstConnect, disconnected() fails it or retries
        client.connectWith().cleanSession(shared).keepAlive(30).send();
        try {
            firstConnect.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (ExecutionException e) {
            close();
            String why = e.getCause() instanceof Mqtt3ConnAckException c
                    ? "refused: " + c.getMqttMessage().getReturnCode() : e.getCause().getMessage();
            throw new IOException("MQTT broker " + broker + ": " + why, e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new IOException("MQTT broker " + broker + ": no connection within "
                    + options.connectTimeout().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while connecting to " + broker, e);
        }
    }

    /**
     * Reconnects after any loss, backing off up to {@link #MAX_BACKOFF_MILLIS}, unless the link is
     * closing or the broker refused the first connect (wrong password: retrying will not help).
     */
    private void disconnected(MqttClientDisconnectedContext ctx) {
        if (closing || ctx.getSource() == MqttDisconnectSource.USER) {
            return;
        }
        if (!firstConnect.isDone() && ctx.getCause() instanceof Mqtt3ConnAckException refused) {
            firstConnect.completeExceptionally(refused);
            return;
        }
        int attempt = ctx.getReconnector().getAttempts();
        long delay = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(attempt, 5));
        if (attempt == 0) {
            Logger.warn("MQTT link to {} down ({}): reconnecting", broker, ctx.getCause().getMessage());
        }
        ctx.getReconnector().reconnect(true).delay(delay, TimeUnit.MILLISECONDS);
    }

    /** Every connect, first or after a broker restart, renews the subscriptions (a restarted broker forgot them). */
    private void onConnected() {
        if (closing) {
            client.disconnect(); // a reconnect that was already under way when close() came
            return;
        }
        Mqtt3Subscribe sub = Mqtt3Subscribe.builder().addSubscriptions(LEAVES.stream()
                .map(leaf -> Mqtt3Subscription.builder().topicFilter(filter(leaf))
                        .qos(MqttQos.AT_LEAST_ONCE).build()))
                .build();
        client.subscribe(sub).whenComplete((ack, e) -> {
            if (e != null) {
                Logger.error(e, "MQTT link: the broker refused the server's subscriptions: devices will not be heard");
            } else {
                Logger.info("MQTT link connected to {}", broker);
                firstConnect.complete(null);
            }
        });
    }

    /**
     * The subscription to a leaf: shared among the instances, except shell replies, which every
     * instance hears: the one that sent the command waits for the reply (Observatory.shell).
     */
    private String filter(String leaf) {
        return (shared && !leaf.equals(Topics.SHELL_REPLY) ? SHARE : "") + Topics.allDevices(leaf);
    }

    @Override
    public boolean everyInstanceHearsShellReplies() {
        return shared;
    }

    private void received(Mqtt3Publish p) {
        String topic = p.getTopic().toString();
        byte[] payload = p.getPayloadAsBytes();
        stats.messagesIn.increment();
        stats.bytesIn.add(WireSize.publish(topic, payload.length, p.getQos().getCode()));
        String id = Topics.deviceOf(topic);
        if (!Topics.validDeviceId(id)) {
            stats.malformed("?", topic, "not a device topic");
            return;
        }
        String leaf = Topics.leafOf(topic);
        if (p.isRetain() && !Topics.STATUS.equals(leaf)) {
            // Handed over because it was retained (a will or a publish left on the broker), not
            // because the device said it now: not evidence of anything. Only up/status, whose
            // payload can mean nothing but online or offline, may come that way.
            stats.retained(id, topic);
            return;
        }
        try {
            switch (leaf) {
                case Topics.HELLO -> {
                    Hello hello = Hello.from(Control.parse(payload));
                    streamer.hello(id, hello);
                    toFleet(id, topic, () -> events.hello(id, hello));
                }
                case Topics.STATE -> {
                    StateReport report = StateReport.from(Control.parse(payload));
                    toFleet(id, topic, () -> events.state(id, report));
                }
                case Topics.REQ -> streamer.submit(id, ChunkRequest.from(Control.parse(payload)));
                case Topics.STATUS -> status(id, topic, payload);
                case Topics.CRASH, Topics.LOG, Topics.METRICS, Topics.SHELL_REPLY -> observed(id, topic, payload);
                default -> stats.malformed(id, topic, "not a topic of the protocol");
            }
        } catch (ProtocolException e) {
            stats.malformed(id, topic, e.getMessage());
        } catch (RuntimeException e) {
            stats.error(id, topic, e);
        }
    }

    /** Crash records, logs, metrics and shell replies, for whoever observes devices (none: dropped). */
    private void observed(String id, String topic, byte[] payload) {
        ObserveEvents o = observe;
        if (o == null) {
            return;     // a link without an observer (tests of the update path): valid, unwanted
        }
        switch (Topics.leafOf(topic)) {
            case Topics.CRASH -> o.crash(id, CrashReport.parse(payload));
            case Topics.LOG -> o.logs(id, LogBatch.parse(payload));
            case Topics.METRICS -> o.metrics(id, Metrics.parse(payload));
            default -> o.shellReply(id, ShellReply.parse(payload));
        }
    }

    /** Where crash records, logs, metrics and shell replies go (set once, before devices talk). */
    public void observe(ObserveEvents events) {
        this.observe = events;
    }

    @Override
    public void crashAck(String deviceId, CrashAck ack) {
        send(Topics.of(deviceId, Topics.CRASH_ACK), ack.toControl().toBytes(), MqttQos.AT_LEAST_ONCE);
    }

    /**
     * At most once (QoS 0): a command is never run twice, the server's timeout covers a lost one,
     * and the device sends its reply without a PUBACK just before it (two small segments in a
     * row wait ~40 ms behind Nagle on a relayed hop, e.g. QEMU's guestfwd: bench/shell).
     */
    @Override
    public void shell(String deviceId, ShellCommand command) {
        send(Topics.of(deviceId, Topics.SHELL), command.toBytes(), MqttQos.AT_MOST_ONCE);
    }

    /** Runs a device event on the device's lane. */
    private void toFleet(String id, String topic, Runnable event) {
        lanes[Math.floorMod(id.hashCode(), lanes.length)].execute(() -> {
            try {
                event.run();
            } catch (RuntimeException e) {
                stats.error(id, topic, e);
            }
        });
    }

    /** "online" says nothing the next hello will not; "offline" is the device's last will. */
    private void status(String id, String topic, byte[] payload) {
        String s = new String(payload, StandardCharsets.US_ASCII);
        if (s.equals("offline")) {
            toFleet(id, topic, () -> events.offline(id));
        } else if (!s.equals("online")) {
            stats.malformed(id, topic, "status must be online or offline");
        }
    }

    @Override
    public void offer(String deviceId, Offer offer) {
        streamer.offered(deviceId, offer);
        send(Topics.of(deviceId, Topics.JOB), offer.toControl().toBytes(), MqttQos.AT_LEAST_ONCE);
    }

    @Override
    public void cancel(String deviceId, Cancel cancel) {
        send(Topics.of(deviceId, Topics.JOB), cancel.toControl().toBytes(), MqttQos.AT_LEAST_ONCE);
    }

    CompletableFuture<?> send(String topic, byte[] payload, MqttQos qos) {
        stats.messagesOut.increment();
        stats.bytesOut.add(WireSize.publish(topic, payload.length, qos.getCode()));
        return client.publishWith().topic(topic).qos(qos).payload(payload).send();
    }

    public boolean connected() {
        return client.getState().isConnected();
    }

    public Counters counters() {
        return stats.snapshot();
    }

    /** What devices did wrong on the link: malformed or retained messages, failures handling them. */
    public Complaints complaints() {
        return stats.complaints;
    }

    /** Disconnects (or stops reconnecting) and stops the link's threads. */
    @Override
    public void close() {
        closing = true;
        long until = System.nanoTime() + 10_000_000_000L;
        try {
            // a reconnect may be pending: it ends connected (and onConnected() disconnects) or failed
            while (client.getState() != MqttClientState.DISCONNECTED && System.nanoTime() < until) {
                if (client.getState() == MqttClientState.CONNECTED) {
                    client.disconnect().exceptionally(e -> null).get(5, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(10);
                }
            }
            inbox.dispose();
            streamer.close();
            eventThread.shutdownNow();
            eventThread.awaitTermination(5, TimeUnit.SECONDS);
            for (ThreadPoolExecutor lane : lanes) {
                lane.shutdown(); // what devices said before the close is still handled
                lane.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            Logger.debug(e, "MQTT link: disconnect");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
