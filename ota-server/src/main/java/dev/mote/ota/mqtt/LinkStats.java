package dev.mote.ota.mqtt;

import dev.mote.ota.fleet.Complaints;
import dev.mote.ota.fleet.Complaints.Cause;
import java.util.concurrent.atomic.LongAdder;

/**
 * The MQTT link's counters (what the benchmark reports) and its complaints about devices
 * ({@link Complaints}): a device that sends garbage in a loop gets one log line a minute per
 * cause, not one per message.
 */
final class LinkStats {
    final LongAdder messagesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder chunksOut = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder requestsDropped = new LongAdder();
    final LongAdder cancels = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Complaints complaints = new Complaints();

    /** Counts a message that does not follow the protocol, and logs it (one line a minute per device and cause). */
    void malformed(String device, String topic, String what) {
        malformed.increment();
        complaints.complain(device, Cause.MALFORMED, "ignored a message on " + topic + ": " + what);
    }

    /** Counts a retained message on a leaf that must not be retained (it is dropped), as malformed. */
    void retained(String device, String topic) {
        malformed.increment();
        complaints.complain(device, Cause.RETAINED, "ignored a retained message on " + topic
                + ": only up/status may be retained");
    }

    /** Counts a failure of the fleet logic on a device's message; the link carries on. */
    void error(String device, String topic, RuntimeException e) {
        errors.increment();
        complaints.complain(device, Cause.FAILED, "handling its message on " + topic + " failed: "
                + Complaints.describe(e));
    }

    MqttLink.Counters snapshot() {
        return new MqttLink.Counters(messagesIn.sum(), bytesIn.sum(), messagesOut.sum(), bytesOut.sum(),
                chunksOut.sum(), malformed.sum(), requestsDropped.sum(), cancels.sum(), errors.sum());
    }
}
