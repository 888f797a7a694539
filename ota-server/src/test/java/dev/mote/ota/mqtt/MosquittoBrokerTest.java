package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.ota.auth.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broker contract against a real Mosquitto 2.0 configured by {@link MosquittoConfig}. */
class MosquittoBrokerTest extends BrokerContract {
    private Path dir;
    private Mosquitto mosquitto;

    @Override
    BrokerUrl startBroker(Credentials c) throws Exception {
        Mosquitto.requireBinary();
        dir = Files.createTempDirectory("mote-mosquitto");
        mosquitto = Mosquitto.start(dir, c, DEVICES);
        return mosquitto.url();
    }

    @Override
    void stopBroker() throws Exception {
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Mosquitto checks a will against the ACL when it fires: the forged one never arrives. */
    @Test
    void aForgedWillNeverReachesTheServer() throws Exception {
        assertEquals(List.of("marker"), forgeAWill());
    }
}
