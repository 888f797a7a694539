package dev.mote.ota.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code metrics} (topic up/metrics, QoS 0): the heartbeat, one line of {@code key=value}
 * fields (docs/ota-protocol.md, "Metrics"), every interval the device is configured with.
 * Unknown fields are kept as they are; a later device may send more.
 *
 * <pre>metrics uptime_ms=60012 heap_used=5536 heap_peak=5536 heap_free=10640 pages_free=32316 idle_pct=97.4 threads=7 cpu=timer:0.0,main:0.1,net:1.2 rx_frames=120 tx_frames=118 rx_bytes=20480 tx_bytes=9120 rx_dropped=0 tx_errors=0 reboot=power-on last_crash=none</pre>
 */
public record Metrics(Map<String, String> fields) {
    public static final String VERB = "metrics";
    public static final int MAX_BYTES = 1024;

    public Metrics {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String line() {
        StringBuilder sb = new StringBuilder(VERB);
        fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    public byte[] toBytes() {
        return line().getBytes(StandardCharsets.US_ASCII);
    }

    public static Metrics parse(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_BYTES) {
            throw new ProtocolException("metrics of " + payload.length + " bytes (1.." + MAX_BYTES + ")");
        }
        String s = new String(payload, StandardCharsets.US_ASCII).strip();
        if (!s.chars().allMatch(c -> c >= ' ' && c < 0x7f)) {
            throw new ProtocolException("metrics is not one line of ASCII text");
        }
        String[] w = s.split(" +");
        if (!w[0].equals(VERB)) {
            throw new ProtocolException("expected metrics, got '" + w[0] + "'");
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 1; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq <= 0 || eq == w[i].length() - 1) {
                throw new ProtocolException("metrics: expected key=value at '" + w[i] + "'");
            }
            f.put(w[i].substring(0, eq), w[i].substring(eq + 1));
        }
        return new Metrics(f);
    }
}
