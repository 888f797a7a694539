package dev.mote.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import dev.mote.ota.auth.Credentials;
import dev.mote.sdk.flash.IdentityFlash;
import dev.mote.sdk.flash.IdentityRecord;
import java.nio.charset.StandardCharsets;

/** What the broker must refuse a device: a wrong password, and every topic of another device. */
final class BrokerChecks {
    private BrokerChecks() {
    }

    /** Rewrites the device's identity record with a password the broker does not know. */
    static void wrongPassword(QemuDevice d) throws Exception {
        IdentityRecord r = IdentityFlash.read(d.flash, d.profile);
        IdentityFlash.write(d.flash, d.profile, new IdentityRecord(r.deviceId(), "0".repeat(64), r.host(), r.port(),
                r.maxChunk(), r.flags()));
    }

    /**
     * Logged in as {@code self} with its own password, a client may use its own subtree but not
     * {@code other}'s: the subscription is refused, and what it publishes there never reaches the
     * server (the other device's history does not change).
     */
    static void otherDevicesTopics(DeviceLab lab, String self, String other) throws Exception {
        String password = Credentials.load(lab.data).devicePassword(self);
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(self).serverHost("127.0.0.1")
                .serverPort(lab.mqttPort).buildBlocking();
        c.connectWith().cleanSession(true).simpleAuth().username(self)
                .password(password.getBytes(StandardCharsets.US_ASCII)).applySimpleAuth().send();
        try {
            int before = lab.api.get("api/devices/" + other + "/history").size();
            try {
                Mqtt3SubAck theirs = c.subscribeWith().topicFilter("mote/dev/" + other + "/down/job")
                        .qos(MqttQos.AT_LEAST_ONCE).send();
                assertEquals(Mqtt3SubAckReturnCode.FAILURE, theirs.getReturnCodes().get(0), "subscribed to " + other);
            } catch (Mqtt3SubAckException refused) {
                assertEquals(Mqtt3SubAckReturnCode.FAILURE, refused.getMqttMessage().getReturnCodes().get(0));
            }
            Mqtt3SubAck own = c.subscribeWith().topicFilter("mote/dev/" + self + "/down/job")
                    .qos(MqttQos.AT_LEAST_ONCE).send();
            assertFalse(own.getReturnCodes().get(0).isError(), "its own topic was refused");
            c.publishWith().topic("mote/dev/" + other + "/up/hello").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("hello profile=qemu-virt-arm64 version=9.9.9 counter=9 slot=a max_chunk=256")
                            .getBytes(StandardCharsets.US_ASCII)).send();
            Thread.sleep(1500);
            JsonNode after = lab.api.get("api/devices/" + other);
            assertTrue(!after.get("version").asText().equals("9.9.9"), "spoke for " + other + ": " + after);
            assertEquals(before, lab.api.get("api/devices/" + other + "/history").size(), "spoke for " + other);
        } finally {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        }
    }
}
