package dev.mote.ota.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.mqtt.FakeFleet;
import dev.mote.ota.mqtt.Mosquitto;
import dev.mote.ota.mqtt.MqttLink;
import dev.mote.ota.mqtt.Threads;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same devices and server link through an external Mosquitto, configured by MosquittoConfig. */
class MosquittoSimulatorTest {
    @TempDir
    Path dir;

    @Test
    void devicesUpdateThroughMosquitto() throws Exception {
        Mosquitto.requireBinary();
        Set<Thread> before = Threads.live();
        SigningKey key = SigningKey.generate();
        byte[] image = TestImage.arm().version("2.0.0").counter(2).randomPayload(300_000, 2).sign(key).toBytes();
        Credentials creds = new Credentials(new byte[32], "server-password-for-tests");
        List<String> ids = List.of("m-1", "m-2", "m-drop", "m-crash");
        FakeFleet fleet = new FakeFleet();
        try (Mosquitto mosquitto = Mosquitto.start(dir, creds, ids);
             MqttLink link = new MqttLink(mosquitto.url().toString(), creds.serverPassword(), fleet,
                     MqttLink.Options.defaults()).start();
             Simulator sim = new Simulator(Simulator.Options.defaults(mosquitto.url().toString()))) {
            fleet.link(link);
            for (String id : ids) {
                DeviceSpec spec = DeviceSpec.of(id, creds.devicePassword(id), TestImage.ARM, "1.0.0",
                        List.of(key.publicKey()));
                spec = id.equals("m-drop") ? spec.withDropAt(100_000) : spec;
                spec = id.equals("m-crash") ? spec.withBehaviour(Behaviour.CRASH) : spec;
                fleet.assign(id, 10 + ids.indexOf(id), image, 16384, 8);
                sim.add(spec);
            }
            sim.start();
            assertTrue(sim.awaitFinished(Duration.ofSeconds(30)), () -> sim.summary().toString());
            for (SimulatedDevice d : sim.devices()) {
                DeviceStats s = d.stats();
                assertEquals(s.id().equals("m-crash") ? "rolledback" : "confirmed", s.status(), s.toString());
                assertEquals(image.length, s.imageBytes(), s.toString());
            }
            assertEquals(0, link.counters().malformed());
        }
        Threads.assertNoneLeft(before);
    }
}
