package dev.mote.ota.mqtt;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.Complaints;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Control;
import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.tinylog.Logger;

/**
 * The MQTT broker inside {@code mote ota serve} (Moquette), for fleets without one of their own.
 * It keeps nothing on disk: the server's database holds the state that matters, and a device
 * that misses a message asks again. Accounts are {@link Credentials}; {@link BrokerPolicy} and
 * {@link WireGuard} keep each device inside its own topics, its last will included.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Room for a chunk of {@link Chunk#MAX_DATA} bytes with its header and topic; control messages are tiny. */
    public static final int MAX_MESSAGE = Chunk.MAX_DATA + Chunk.HEADER + Control.MAX_BYTES;

    private final Server server;
    private final BrokerPolicy policy;
    private final Complaints complaints;
    private final String host;
    private final int port;

    private EmbeddedBroker(Server server, BrokerPolicy policy, Complaints complaints, String host, int port) {
        this.server = server;
        this.policy = policy;
        this.complaints = complaints;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts the broker of {@code mote ota serve} on {@code host:port} (port 0 picks a free port;
     * {@link #port()} says which). Devices are refused until the server's {@link MqttLink} has
     * subscribed to their hellos (they retry, as they must after any refusal), so that nothing a
     * device says right after a restart goes unheard.
     */
    public static EmbeddedBroker start(String host, int port, Credentials credentials) throws IOException {
        return start(host, port, credentials, true);
    }

    /**
     * Starts a broker; with {@code devicesWaitForServer} false, devices may connect at once (a
     * broker for tests or tools, with no server listening).
     */
    public static EmbeddedBroker start(String host, int port, Credentials credentials, boolean devicesWaitForServer)
            throws IOException {
        // Port 0: we pick the free port ourselves (Moquette's own report of a bound port races
        // with its event loop), and try again if someone took it in between.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOn(host, port != 0 ? port : freePort(host), credentials, devicesWaitForServer);
            } catch (IOException e) {
                if (port != 0 || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static int freePort(String host) throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /**
     * Does this broker accept connections on host:port (within 5 s, however loaded the machine)? A connection must reach
     * {@code guard}: Moquette only logs a failed bind, and with a port picked beforehand another
     * process may be the one listening there.
     */
    private static boolean listening(String host, int port, WireGuard guard) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            long seen = guard.connections();
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(host, port), 500);
                while (guard.connections() == seen && System.nanoTime() < until) {
                    Thread.sleep(2);
                }
                return guard.connections() != seen;
            } catch (IOException notYet) {
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static EmbeddedBroker startOn(String host, int port, Credentials credentials, boolean devicesWaitForServer)
            throws IOException {
        Properties p = new Properties();
        p.setProperty(IConfig.HOST_PROPERTY_NAME, host);
        p.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(port));
        p.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "false");
        p.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        // Moquette 0.17 otherwise reports to its authors over the network at every start
        p.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
        p.setProperty(IConfig.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(MAX_MESSAGE));
        // Moquette drops commands (publishes, even "connection lost") when a session loop's queue
        // is full: leave room for 10,000 devices at once. With 4096 entries per loop, bench/ota's
        // raw run to 10,000 subscribers got 3% of its messages through; with 32768, 89%
        p.setProperty(IConfig.SESSION_QUEUE_SIZE, "32768");
        BrokerPolicy policy = new BrokerPolicy(credentials, devicesWaitForServer);
        Complaints complaints = new Complaints();
        Server server = new Server();
        try {
            server.startServer(new MemoryConfig(p), List.of(policy.watcher()), null, policy, policy);
        } catch (RuntimeException e) {
            stopQuietly(server);
            throw new IOException("MQTT broker: cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        WireGuard guard = new WireGuard(credentials, policy, complaints);
        try {
            installGuard(server, guard);
        } catch (ReflectiveOperationException | RuntimeException e) {
            stopQuietly(server);
            throw new IOException("MQTT broker: cannot install the will and publish checks in Moquette "
                    + Server.MOQUETTE_VERSION + " (" + e + "); this server is built for Moquette 0.17", e);
        }
        policy.guarded(); // clients are admitted from here on: none got in unguarded
        if (!listening(host, port, guard)) {
            stopQuietly(server);
            throw new IOException("MQTT broker: cannot listen on " + host + ":" + port
                    + ": the port is taken (or nothing answers there)");
        }
        Logger.info("MQTT broker listening on {}:{}", host, port);
        return new EmbeddedBroker(server, policy, complaints, host, port);
    }

    /**
     * Puts {@code guard} into every new client's pipeline, right before Moquette's handler.
     * Moquette 0.17 has no hook for that (nor any check of a CONNECT's will), but it reads its
     * acceptor's optional "metrics" handler, which sits exactly there, each time it sets up a
     * connection: that slot gets the guard. Checked by the broker tests (a forged will is refused
     * at CONNECT); a Moquette that changed its insides fails here, at start, not silently.
     */
    private static void installGuard(Server server, WireGuard guard) throws ReflectiveOperationException {
        Field acceptorField = Server.class.getDeclaredField("acceptor");
        acceptorField.setAccessible(true);
        Object acceptor = acceptorField.get(server);
        Field metrics = acceptor.getClass().getDeclaredField("metrics");
        metrics.setAccessible(true);
        if (!(metrics.get(acceptor) instanceof Optional<?> o) || o.isPresent()) {
            throw new IllegalStateException("the acceptor's metrics slot is not an empty Optional");
        }
        metrics.set(acceptor, Optional.of(guard));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code tcp://host:port}, for {@link MqttLink} and the simulator. */
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    /** Has the server subscribed to the devices' hellos (so devices may connect)? */
    public boolean serverListening() {
        return policy.serverListening();
    }

    /**
     * Waits at most {@code timeout} for {@link #serverListening()}. Moquette tells the policy of a
     * SUBSCRIBE after the SUBACK has gone out, so the server's link can be up a moment before devices
     * are let in: whoever starts both waits here before saying the broker is ready.
     */
    public boolean awaitServerListening(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!policy.serverListening() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return policy.serverListening();
    }

    /** Devices refused since they tried to set a last will on a topic that is not theirs. */
    public long forgedWills() {
        return policy.forgedWills();
    }

    /** What devices did wrong at the broker: forged wills, refused publishes, oversized packets. */
    public Complaints complaints() {
        return complaints;
    }

    /** Disconnects every client and stops every broker thread (takes a few seconds: Netty's quiet period). */
    @Override
    public void close() {
        stopQuietly(server);
        Logger.info("MQTT broker on {}:{} stopped", host, port);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stopServer();
        } catch (RuntimeException e) {
            Logger.warn(e, "MQTT broker: error while stopping");
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
