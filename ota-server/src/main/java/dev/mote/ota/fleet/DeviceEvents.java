package dev.mote.ota.fleet;

import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.StateReport;

/**
 * What devices tell the server, already authenticated (the id is the MQTT user, which the
 * broker's ACL ties to the topic) and parsed. Implemented by the fleet logic; called by the MQTT
 * link from its own threads, so implementations are thread-safe and never block for long.
 */
public interface DeviceEvents {
    void hello(String deviceId, Hello hello);

    void state(String deviceId, StateReport report);

    /** The broker published the device's last will (or the device said "offline"). */
    void offline(String deviceId);

    /**
     * The image job {@code job} streams to this device, for answering its chunk requests; null
     * when that job is not the device's active job (the link then answers with a cancel).
     * Called for every request: answer from memory.
     */
    byte[] jobImage(String deviceId, long job);

    /** The chunk size and window an offer named: what the link answers requests with. */
    record Chunking(int chunk, int window) {
    }

    /**
     * How job {@code job}'s offer cut the image, for a link that did not send that offer itself
     * (another instance did); null when unknown (the link's defaults apply).
     */
    default Chunking chunking(String deviceId, long job) {
        return null;
    }
}
