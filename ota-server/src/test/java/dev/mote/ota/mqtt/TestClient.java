package dev.mote.ota.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A plain MQTT 3.1.1 client for tests: connects (or throws the broker's refusal), subscribes, waits for messages. */
final class TestClient implements AutoCloseable {
    private final Mqtt3BlockingClient client;
    private final Mqtt3BlockingClient.Mqtt3Publishes inbox;

    private TestClient(Mqtt3BlockingClient client) {
        this.client = client;
        this.inbox = client.publishes(MqttGlobalPublishFilter.ALL);
    }

    /** Connects as {@code user} (null: anonymous); throws Mqtt3ConnAckException when refused. */
    static TestClient connect(BrokerUrl broker, String clientId, String user, String password) {
        TestClient c = new TestClient(MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost(broker.host()).serverPort(broker.port()).buildBlocking());
        Mqtt3ConnectBuilder.Send<?> connect = c.client.connectWith().cleanSession(true);
        if (user != null) {
            connect = c.client.connectWith().cleanSession(true).simpleAuth().username(user)
                    .password(password.getBytes(StandardCharsets.US_ASCII)).applySimpleAuth();
        }
        try {
            connect.send();
        } catch (RuntimeException e) {
            c.inbox.close();
            throw e;
        }
        return c;
    }

    /** Throws Mqtt3SubAckException when the broker refuses the filter. */
    void subscribe(String filter, MqttQos qos) {
        client.subscribeWith().topicFilter(filter).qos(qos).send();
    }

    void publish(String topic, String payload, MqttQos qos) {
        client.publishWith().topic(topic).qos(qos).payload(payload.getBytes(StandardCharsets.US_ASCII)).send();
    }

    /** Publishes a retained message (QoS 1). */
    void publishRetained(String topic, String payload) {
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(payload.getBytes(StandardCharsets.US_ASCII)).send();
    }

    Optional<Mqtt3Publish> next(Duration timeout) throws InterruptedException {
        return inbox.receive(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean connected() {
        return client.getState().isConnected();
    }

    @Override
    public void close() {
        inbox.close();
        if (client.getState().isConnected()) {
            client.disconnect();
        }
    }

    static String text(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.US_ASCII);
    }

    /**
     * Connects over a bare socket with a last will (QoS 1) and returns the socket: closing it drops
     * the connection without a DISCONNECT, which is what makes a broker publish the will.
     * Returns null when the broker refused the connection.
     */
    static Socket connectWithWill(BrokerUrl broker, String user, String password, String willTopic, String will)
            throws IOException {
        return connectWithWill(broker, user, password, willTopic, will, false);
    }

    /** As above; {@code retain}: the will is a retained message. */
    static Socket connectWithWill(BrokerUrl broker, String user, String password, String willTopic, String will,
            boolean retain) throws IOException {
        Socket s = new Socket(broker.host(), broker.port());
        s.setSoTimeout(5000);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int flags = 0x80 | 0x40 | (retain ? 0x20 : 0) | 0x08 | 0x04 | 0x02;
        body.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) flags, 0, 60});
        for (String field : new String[] {user, willTopic, will, user, password}) {
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            body.write(b.length >> 8);
            body.write(b.length);
            body.write(b);
        }
        OutputStream out = s.getOutputStream();
        out.write(0x10);
        int len = body.size();
        do {
            out.write((len & 0x7f) | (len > 0x7f ? 0x80 : 0));
            len >>= 7;
        } while (len > 0);
        body.writeTo(out);
        out.flush();
        InputStream in = s.getInputStream();
        byte[] ack;
        try {
            ack = in.readNBytes(4);
        } catch (IOException closed) {
            ack = new byte[0]; // refused by closing the connection
        }
        if (ack.length < 4 || ack[0] != 0x20 || ack[3] != 0) {
            s.close();
            return null;
        }
        return s;
    }

    /** The CONNACK return code a CONNECT with this will gets (-1: the connection closed without one). */
    static int connAckForWill(BrokerUrl broker, String user, String password, String willTopic) throws IOException {
        try (Socket s = new Socket(broker.host(), broker.port())) {
            s.setSoTimeout(5000);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) (0x80 | 0x40 | 0x04 | 0x02), 0, 60});
            for (String field : new String[] {user, willTopic, "offline", user, password}) {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                body.write(b.length >> 8);
                body.write(b.length);
                body.write(b);
            }
            OutputStream out = s.getOutputStream();
            out.write(0x10);
            int len = body.size();
            do {
                out.write((len & 0x7f) | (len > 0x7f ? 0x80 : 0));
                len >>= 7;
            } while (len > 0);
            body.writeTo(out);
            out.flush();
            byte[] ack;
            try {
                ack = s.getInputStream().readNBytes(4);
            } catch (IOException closed) {
                return -1;
            }
            if (ack.length == 4) {
                // DISCONNECT, so that an accepted connection's will does not fire
                out.write(new byte[] {(byte) 0xe0, 0});
                out.flush();
            }
            return ack.length < 4 || ack[0] != 0x20 ? -1 : ack[3];
        }
    }
}
