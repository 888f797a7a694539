package dev.mote.ota.mqtt;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.protocol.Topics;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.InterceptHandler;
import io.moquette.interception.messages.InterceptSubscribeMessage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * Who may connect to the embedded broker and what they may touch: the rules of {@link Topics}
 * for devices, everything under {@code mote/} for the server (the same rules as
 * {@link MosquittoConfig#acl()} for Mosquitto). Moquette asks it on CONNECT, SUBSCRIBE and
 * PUBLISH; what it does not ask about (a CONNECT's will) {@link WireGuard} checks.
 */
final class BrokerPolicy implements IAuthenticator, IAuthorizatorPolicy {
    private static final String SERVER_TOPICS = "mote/";

    private final Credentials credentials;
    /** Devices that set a last will on another device's topic: refused until the server restarts. */
    private final Set<String> forgers = ConcurrentHashMap.newKeySet();
    /** No client is admitted before {@link WireGuard} sits in the broker's pipeline. */
    private volatile boolean guarded;
    /**
     * Devices are refused until the server has subscribed to their hellos: a broker that starts
     * with the server (kill -9, start again) would otherwise pass a device's hello, or its
     * "confirmed", to nobody, and the job would wait for its deadline.
     */
    private volatile boolean serverListening;

    BrokerPolicy(Credentials credentials, boolean devicesWaitForServer) {
        this.credentials = credentials;
        this.serverListening = !devicesWaitForServer;
    }

    /**
     * A device's client id must be its user name: MQTT lets a new connection with an existing
     * client id take over the old one's session, and a device must not be able to kick another
     * off (Mosquitto: use_username_as_clientid). The server may add a ":suffix" for extra
     * connections (tools, benchmarks).
     */
    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        if (username == null || clientId == null || !guarded) {
            return false;
        }
        if (Credentials.SERVER_USER.equals(username)) {
            return (clientId.equals(username) || clientId.startsWith(username + ":"))
                    && credentials.checkServer(password);
        }
        return serverListening && clientId.equals(username) && !forgers.contains(username)
                && credentials.checkDevice(username, password);
    }

    @Override
    public boolean canWrite(Topic topic, String user, String client) {
        return isServer(user) ? topic.toString().startsWith(SERVER_TOPICS)
                : user != null && Topics.deviceMayPublish(user, topic.toString());
    }

    @Override
    public boolean canRead(Topic topic, String user, String client) {
        return isServer(user) ? topic.toString().startsWith(SERVER_TOPICS)
                : user != null && Topics.deviceMaySubscribe(user, topic.toString());
    }

    long forgedWills() {
        return forgers.size();
    }

    /** {@code device} (authenticated) tried to leave a will on a topic not its own: refused until restart. */
    void forged(String device) {
        forgers.add(device);
    }

    /** The guard is in place: clients may be admitted. */
    void guarded() {
        guarded = true;
    }

    private static boolean isServer(String user) {
        return Credentials.SERVER_USER.equals(user);
    }

    boolean serverListening() {
        return serverListening;
    }

    /**
     * Watches subscriptions: admits devices once the server subscribed to their hellos. (Wills
     * and publishes outside a device's topics are {@link WireGuard}'s, before Moquette sees them.)
     */
    InterceptHandler watcher() {
        return new AbstractInterceptHandler() {
            @Override
            public String getID() {
                return "mote-broker-policy";
            }

            @Override
            public Class<?>[] getInterceptedMessageTypes() {
                return new Class<?>[] {InterceptSubscribeMessage.class};
            }

            @Override
            public void onSubscribe(InterceptSubscribeMessage msg) {
                if (!serverListening && isServer(msg.getUsername())
                        && Topics.allDevices(Topics.HELLO).equals(msg.getTopicFilter())) {
                    serverListening = true;
                    Logger.info("MQTT broker: the server listens, devices may connect");
                }
            }

            @Override
            public void onSessionLoopError(Throwable error) {
                Logger.error(error, "MQTT broker: session loop error");
            }
        };
    }
}
