package dev.mote.ota.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code log} (topic up/log, QoS 1): log records the device sends in batches, those at or above
 * its shipping level (WARN by default), at most one batch every few seconds (docs/ota-protocol.md,
 * "Logs"). {@code first} numbers the first record (the device's log sequence); {@code dropped}
 * counts records the device left out before it (its ring overwrote them, or the rate limit).
 *
 * <pre>log first=120 count=2 dropped=0
 * 12.345 W main: sensor 3 timed out
 * 12.502 E net: broker unreachable</pre>
 */
public record LogBatch(long first, long dropped, List<String> lines) {
    public static final String VERB = "log";
    public static final int MAX_BYTES = 2048;

    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(Control.of(VERB).put("first", first).put("count", lines.size())
                .put("dropped", dropped).toString());
        lines.forEach(l -> sb.append('\n').append(l));
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static LogBatch parse(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_BYTES) {
            throw new ProtocolException("log batch of " + payload.length + " bytes (1.." + MAX_BYTES + ")");
        }
        String s = new String(payload, StandardCharsets.US_ASCII);
        if (!s.chars().allMatch(c -> c == '\n' || c >= ' ' && c < 0x7f)) {
            throw new ProtocolException("log batch is not ASCII text");
        }
        String[] parts = s.split("\n", -1);
        Control c = Control.parse(parts[0].getBytes(StandardCharsets.US_ASCII));
        Hello.expect(c, VERB);
        long count = c.number("count");
        if (count != parts.length - 1) {
            throw new ProtocolException("log: count=" + count + " but " + (parts.length - 1) + " lines");
        }
        List<String> lines = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            lines.add(parts[i]);
        }
        return new LogBatch(c.number("first"), c.number("dropped", 0), List.copyOf(lines));
    }
}
