package dev.mote.ota.mqtt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.tinylog.Logger;

/**
 * The MQTT link's counters (what the benchmark reports) and its rate-limited complaints: a device
 * that sends garbage in a loop gets one log line a minute, not one per message.
 */
final class LinkStats {
    private static final long COMPLAIN_EVERY_NANOS = 60_000_000_000L;
    private static final int MAX_TRACKED = 10_000;

    final LongAdder messagesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder chunksOut = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder requestsDropped = new LongAdder();
    final LongAdder cancels = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final Map<String, Long> lastComplaint = new ConcurrentHashMap<>();

    /** Counts a message that does not follow the protocol, and logs it unless this device was logged recently. */
    void malformed(String device, String topic, String what) {
        malformed.increment();
        if (shouldLog(device)) {
            Logger.warn("ignored a malformed message from {} on {}: {} (logged at most once a minute per device)",
                    device, topic, what);
        }
    }

    /** Counts a retained message on a leaf that must not be retained (it is dropped), as malformed. */
    void retained(String device, String topic) {
        malformed.increment();
        if (shouldLog(device)) {
            Logger.warn("ignored a retained message from {} on {}: only up/status may be retained (logged at most"
                    + " once a minute per device)", device, topic);
        }
    }

    /** Counts a failure of the fleet logic on a device's message; the link carries on. */
    void error(String device, String topic, RuntimeException e) {
        errors.increment();
        if (shouldLog(device)) {
            Logger.error(e, "handling a message from {} on {} failed", device, topic);
        }
    }

    private boolean shouldLog(String device) {
        if (lastComplaint.size() > MAX_TRACKED) {
            lastComplaint.clear(); // ids come from a broker we trust, but keep the map bounded anyway
        }
        long now = System.nanoTime();
        Long last = lastComplaint.get(device);
        if (last != null && now - last < COMPLAIN_EVERY_NANOS) {
            return false;
        }
        lastComplaint.put(device, now);
        return true;
    }

    MqttLink.Counters snapshot() {
        return new MqttLink.Counters(messagesIn.sum(), bytesIn.sum(), messagesOut.sum(), bytesOut.sum(),
                chunksOut.sum(), malformed.sum(), requestsDropped.sum(), cancels.sum(), errors.sum());
    }
}
