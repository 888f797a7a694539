package dev.mote.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.auth.Credentials;
import dev.mote.ota.mqtt.Mosquitto;
import dev.mote.sdk.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same devices with an external broker: Debian's Mosquitto with the password file and ACL of
 * docs/ota-protocol.md, `mote ota serve --broker`, one ARM64 and one x86_64 device under QEMU
 * updated by one rollout each.
 */
@Timeout(400)
class MosquittoDeviceTest {
    @TempDir
    Path dir;

    @Test
    void devicesUpdateThroughMosquitto() throws Exception {
        Mosquitto.requireBinary();
        try (DeviceLab lab = new DeviceLab(dir)) {
            Files.createDirectories(dir.resolve("mosquitto"));
            try (Mosquitto broker = Mosquitto.start(dir.resolve("mosquitto"), Credentials.load(lab.data),
                    List.of("mq-arm", "mq-x86"))) {
                lab.useBroker(broker.url().port());
                lab.startServer();
                QemuDevice arm = lab.device("mq-arm", DeviceLab.ARM,
                        lab.telemetry(DeviceLab.ARM, "1.0.0", 0, lab.fleet), "mq", List.of(), 16384).powerOn();
                QemuDevice x86 = lab.device("mq-x86", DeviceLab.X86,
                        lab.telemetry(DeviceLab.X86, "1.0.0", 0, lab.fleet), "mq", List.of(), 16384).powerOn();
                Await.await(() -> lab.api.get("api/devices?online=true").size() == 2, Duration.ofSeconds(180),
                        "both devices online" + lab.report() + "\n" + broker.log());
                long a = lab.rollout(lab.upload(lab.telemetry(DeviceLab.ARM, "2.0.0", 1, lab.fleet)), "mq", null,
                        List.of("100%"), 0.0);
                long x = lab.rollout(lab.upload(lab.telemetry(DeviceLab.X86, "2.0.0", 1, lab.fleet)), "mq", null,
                        List.of("100%"), 0.0);
                for (long id : new long[] {a, x}) {
                    JsonNode r = lab.awaitRollout(id, j -> !j.get("state").asText().equals("running"),
                            Duration.ofSeconds(240));
                    assertEquals("completed", r.get("state").asText(), r + lab.report() + "\n" + broker.log());
                    assertEquals(1, DeviceLab.count(r, "confirmed"), r.toString());
                }
                for (QemuDevice d : List.of(arm, x86)) {
                    assertEquals("2.0.0", lab.api.get("api/devices/" + d.id).get("version").asText());
                }
            }
        }
    }
}
