package dev.mote.ota.fleet;

import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Offer;

/**
 * How the fleet logic talks to devices: implemented by the MQTT link (dev.mote.ota.mqtt), by
 * a recording fake in tests. Calls return at once; delivery is the broker's business (QoS 1).
 */
public interface DeviceLink {
    void offer(String deviceId, Offer offer);

    void cancel(String deviceId, Cancel cancel);
}
