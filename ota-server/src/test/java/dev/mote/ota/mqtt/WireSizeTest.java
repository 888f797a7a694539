package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our sizes against Netty's MQTT encoder (the one Moquette uses): byte for byte the same packets. */
class WireSizeTest {
    private static int encoded(MqttMessage m) {
        EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
        ch.writeOutbound(m);
        ByteBuf b = ch.readOutbound();
        int n = b.readableBytes();
        b.release();
        ch.finishAndReleaseAll();
        return n;
    }

    /** Around every boundary of the remaining-length field (1, 2 and 3 bytes). */
    @ParameterizedTest
    @ValueSource(ints = {0, 12, 100, 127 - 30, 16_384 - 31, 16_384 - 30, 16_396, 65_548})
    void publish(int payload) {
        String topic = "mote/dev/dev-1/down/chunk";
        for (MqttQoS qos : new MqttQoS[] {MqttQoS.AT_MOST_ONCE, MqttQoS.AT_LEAST_ONCE}) {
            MqttMessage m = MqttMessageBuilders.publish().topicName(topic).qos(qos).messageId(qos.value() > 0 ? 1 : 0)
                    .payload(Unpooled.wrappedBuffer(new byte[payload])).build();
            assertEquals(encoded(m), WireSize.publish(topic, payload, qos.value()), qos + " " + payload);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void connect(boolean will) {
        String pw = "a".repeat(64);
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect().clientId("dev-1")
                .protocolVersion(MqttVersion.MQTT_3_1_1).username("dev-1").password(pw.getBytes(StandardCharsets.US_ASCII))
                .hasUser(true).hasPassword(true).keepAlive(60).cleanSession(true);
        if (will) {
            b.willFlag(true).willTopic("mote/dev/dev-1/up/status").willMessage("offline".getBytes(StandardCharsets.US_ASCII))
                    .willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(true);
        }
        assertEquals(encoded(b.build()),
                WireSize.connect("dev-1", will ? "mote/dev/dev-1/up/status" : null, 7, "dev-1", pw));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void subscribeAndSubAck(int n) {
        List<String> filters = List.of("mote/dev/dev-1/down/job", "mote/dev/dev-1/down/chunk").subList(0, n);
        MqttMessageBuilders.SubscribeBuilder s = MqttMessageBuilders.subscribe().messageId(1);
        filters.forEach(f -> s.addSubscription(MqttQoS.AT_LEAST_ONCE, f));
        assertEquals(encoded(s.build()), WireSize.subscribe(filters));
        MqttMessageBuilders.SubAckBuilder a = MqttMessageBuilders.subAck().packetId(1);
        filters.forEach(f -> a.addGrantedQos(MqttQoS.AT_LEAST_ONCE));
        assertEquals(encoded(a.build()), WireSize.subAck(n));
        assertEquals(encoded(MqttMessageBuilders.pubAck().packetId(1).build()), WireSize.ACK);
    }
}
