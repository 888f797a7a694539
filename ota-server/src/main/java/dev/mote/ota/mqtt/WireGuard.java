package dev.mote.ota.mqtt;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.Complaints;
import dev.mote.ota.fleet.Complaints.Cause;
import dev.mote.ota.protocol.Topics;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.tinylog.Logger;

/**
 * The embedded broker's access control where Moquette 0.17 has none of its own, in every
 * client's Netty pipeline right before Moquette's handler, seeing each decoded packet first:
 * <ul>
 * <li>a CONNECT with a last will other than the protocol's one ("offline" on the device's own
 * up/status) is answered with CONNACK 5 (not authorized) and closed: Moquette never sees it, so
 * there is no session and no will to publish when the connection drops (Moquette publishes wills
 * without asking the authorization policy). A will can therefore only ever mean "offline";
 * <li>a PUBLISH to a topic the device may not publish to, or retained on a topic other than its
 * up/status, is dropped here, and a QoS 1 one is still acknowledged, as Mosquitto does (MQTT
 * 3.1.1 has no negative PUBACK; without one the client waits forever, and Moquette sends none);
 * <li>a packet the decoder refused (above the size limit, malformed) closes the connection;
 * <li>a connection reset (a device losing power) closes it without an error line.
 * </ul>
 * Each is counted in {@link Complaints} and logged at most once a minute per device and cause,
 * instead of Moquette's error line (and stack trace) per message.
 */
@ChannelHandler.Sharable
final class WireGuard extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<String> USER = AttributeKey.valueOf("mote.user");
    private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private final Credentials credentials;
    private final BrokerPolicy policy;
    private final Complaints complaints;
    /** Connections this broker set up: proves a listener on its port is this broker's. */
    private final java.util.concurrent.atomic.AtomicLong connections = new java.util.concurrent.atomic.AtomicLong();

    WireGuard(Credentials credentials, BrokerPolicy policy, Complaints complaints) {
        this.credentials = credentials;
        this.policy = policy;
        this.complaints = complaints;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connections.incrementAndGet();
    }

    long connections() {
        return connections.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttMessage m && m.decoderResult().isFailure()) {
            String user = ctx.channel().attr(USER).get();
            complaints.complain(user, Cause.OVERSIZED, "a packet the broker could not take ("
                    + m.decoderResult().cause().getMessage() + "): connection closed");
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof MqttConnectMessage c && !admit(ctx, c)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof MqttPublishMessage p && !mayPublish(ctx, p)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof MqttSubscribeMessage sub) {
            countRefusedFilters(ctx, sub);
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Counts a device's filters outside its down/ topics: Moquette refuses them in the SUBACK
     * (and no longer logs each: tinylog.properties), this says so once a minute.
     */
    private void countRefusedFilters(ChannelHandlerContext ctx, MqttSubscribeMessage sub) {
        String user = ctx.channel().attr(USER).get();
        if (user == null || Credentials.SERVER_USER.equals(user)) {
            return;
        }
        for (MqttTopicSubscription t : sub.payload().topicSubscriptions()) {
            if (!Topics.deviceMaySubscribe(user, t.topicName())) {
                complaints.complain(user, Cause.REFUSED_SUBSCRIBE, "subscription to '" + t.topicName()
                        + "', outside its down/ topics: refused in the SUBACK");
            }
        }
    }

    /**
     * A connection reset or broken pipe is how devices go (power cut, reboot): close quietly
     * instead of Moquette's ERROR line per occurrence. The channel still goes inactive, so
     * Moquette still publishes the device's (own) will.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // Moquette's message logger, before this handler, turns a packet the decoder refused
            // (oversized, malformed) into an IOException("invalid massage", why) of its own
            if (cause.getCause() instanceof DecoderException || cause.getMessage() != null
                    && cause.getMessage().startsWith("Unknown packet")) {
                complaints.complain(ctx.channel().attr(USER).get(), Cause.OVERSIZED, "a packet the broker could not"
                        + " take (" + (cause.getCause() == null ? cause.getMessage() : cause.getCause().getMessage())
                        + "): connection closed");
            } else if (Credentials.SERVER_USER.equals(ctx.channel().attr(USER).get())) {
                // devices go this way every day; the server's own link should not: say why
                Logger.warn("MQTT broker: the server's connection {} failed: {}", ctx.channel().remoteAddress(),
                        cause.toString());
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** Notes who connects; refuses a forged will with CONNACK 5. */
    private boolean admit(ChannelHandlerContext ctx, MqttConnectMessage c) {
        String user = c.payload().userName();
        ctx.channel().attr(USER).set(user);
        if (!c.variableHeader().isWillFlag() || Credentials.SERVER_USER.equals(user)) {
            return true;
        }
        String topic = c.payload().willTopic();
        byte[] will = c.payload().willMessageInBytes();
        if (user != null && Topics.of(user, Topics.STATUS).equals(topic) && Arrays.equals(OFFLINE, will)) {
            return true; // the one will of the protocol: its own status, "offline"
        }
        // Only a device that proved who it is gets refused from then on: anyone could put a name here.
        boolean authentic = user != null && credentials.checkDevice(user, c.payload().passwordInBytes());
        boolean own = user != null && topic != null && Topics.deviceMayPublish(user, topic);
        if (authentic && !own) {
            policy.forged(user);
        }
        complaints.complain(authentic ? user : "unauthenticated " + user, Cause.FORGED_WILL,
                "CONNECT with a last will on '" + topic + "'" + (own ? " that is not 'offline' on up/status"
                        : ", which is not its topic") + ": refused (not authorized)"
                        + (authentic && !own ? "; refused from now on until the server restarts" : ""));
        ctx.writeAndFlush(MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED).sessionPresent(false).build())
                .addListener(ChannelFutureListener.CLOSE);
        return false;
    }

    /**
     * Drops (and acknowledges) a device's publish outside its own up/ topics, or retained
     * anywhere but its up/status: Moquette 0.17 loses the retain flag when it hands a retained
     * QoS 1 message to a new subscriber, so the server could not tell such a message from a
     * live one. None is ever stored.
     */
    private boolean mayPublish(ChannelHandlerContext ctx, MqttPublishMessage p) {
        String user = ctx.channel().attr(USER).get();
        String topic = p.variableHeader().topicName();
        if (user == null || Credentials.SERVER_USER.equals(user)) {
            return true;
        }
        boolean own = Topics.deviceMayPublish(user, topic);
        boolean retained = p.fixedHeader().isRetain() && !Topics.of(user, Topics.STATUS).equals(topic);
        if (own && !retained) {
            return true;
        }
        MqttQoS qos = p.fixedHeader().qosLevel();
        String ack = qos == MqttQoS.AT_LEAST_ONCE ? " (acknowledged, as MQTT 3.1.1 has no refusal)" : "";
        if (!own) {
            complaints.complain(user, Cause.REFUSED_PUBLISH, "publish to '" + topic + "', which is not its topic:"
                    + " dropped" + ack);
        } else {
            complaints.complain(user, Cause.RETAINED, "retained publish to '" + topic + "' (only up/status may be"
                    + " retained): dropped" + ack);
        }
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE,
                    false, 0), MqttMessageIdVariableHeader.from(p.variableHeader().packetId())));
        } else if (qos == MqttQoS.EXACTLY_ONCE) {
            ctx.close(); // no device of ours uses QoS 2: no half-done exchange to keep
        }
        return false;
    }
}
