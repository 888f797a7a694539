package dev.mote.ota.mqtt;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Control;
import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.util.List;
import java.util.Properties;
import org.tinylog.Logger;

/**
 * The MQTT broker inside {@code mote ota serve} (Moquette), for fleets without one of their own.
 * It keeps nothing on disk: the server's database holds the state that matters, and a device
 * that misses a message asks again. Accounts are {@link Credentials}; {@link BrokerPolicy} keeps
 * each device inside its own topics.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Room for a chunk of {@link Chunk#MAX_DATA} bytes with its header and topic; control messages are tiny. */
    public static final int MAX_MESSAGE = Chunk.MAX_DATA + Chunk.HEADER + Control.MAX_BYTES;

    private final Server server;
    private final BrokerPolicy policy;
    private final String host;
    private final int port;

    private EmbeddedBroker(Server server, BrokerPolicy policy, String host, int port) {
        this.server = server;
        this.policy = policy;
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
        Properties p = new Properties();
        p.setProperty(IConfig.HOST_PROPERTY_NAME, host);
        p.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(port));
        p.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "false");
        p.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        // Moquette 0.17 otherwise reports to its authors over the network at every start
        p.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
        p.setProperty(IConfig.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(MAX_MESSAGE));
        // Moquette drops (QoS 0) publishes when a session loop's queue is full: leave room for
        // bursts of chunks to thousands of devices (4096 entries x 2 loops, a chunk each at most)
        p.setProperty(IConfig.SESSION_QUEUE_SIZE, "4096");
        BrokerPolicy policy = new BrokerPolicy(credentials, devicesWaitForServer);
        Server server = new Server();
        try {
            server.startServer(new MemoryConfig(p), List.of(policy.watcher(server)), null, policy, policy);
        } catch (RuntimeException e) {
            stopQuietly(server);
            throw new IOException("MQTT broker: cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        int bound = boundPort(server);
        if (bound <= 0) {
            stopQuietly(server);
            throw new IOException("MQTT broker: started, but did not say which port it listens on");
        }
        Logger.info("MQTT broker listening on {}:{}", host, bound);
        return new EmbeddedBroker(server, policy, host, bound);
    }

    /**
     * Moquette records the bound port from a listener on its event loop: wait for it briefly.
     * Its getPort reads that (unsynchronized) map while the event loop may still write it, so a
     * ConcurrentModificationException only means "not yet".
     */
    private static int boundPort(Server server) {
        long until = System.nanoTime() + 5_000_000_000L;
        int port = portNow(server);
        while (port <= 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            port = portNow(server);
        }
        return port;
    }

    private static int portNow(Server server) {
        try {
            return server.getPort();
        } catch (java.util.ConcurrentModificationException e) {
            return -1;
        }
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

    /** Devices refused since they tried to set a last will on a topic that is not theirs. */
    public long forgedWills() {
        return policy.forgedWills();
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
