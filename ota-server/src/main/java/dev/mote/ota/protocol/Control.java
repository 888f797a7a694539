package dev.mote.ota.protocol;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of every control message (docs/ota-protocol.md, "Control messages"): a verb,
 * then {@code key=value} fields separated by single spaces, ASCII, at most {@link #MAX_BYTES}.
 * Values hold no spaces, except {@code reason}, which when present is the last field and runs to
 * the end of the message. A C agent parses it with strtok and fixed buffers; mosquitto_sub
 * prints it as it is.
 */
public final class Control {
    public static final int MAX_BYTES = 512;
    private static final String REASON = "reason";

    private final String verb;
    private final Map<String, String> fields;

    private Control(String verb, Map<String, String> fields) {
        this.verb = verb;
        this.fields = fields;
    }

    /** A message to build: {@code Control.of("req").put("job", 7)...}. */
    public static Control of(String verb) {
        checkToken("verb", verb);
        return new Control(verb, new LinkedHashMap<>());
    }

    public Control put(String key, Object value) {
        String v = String.valueOf(value);
        checkToken("key", key);
        if (!key.equals(REASON)) {
            checkToken(key, v);
        } else if (v.isEmpty() || !printable(v, true)) {
            throw new IllegalArgumentException("reason: must be printable ASCII, got '" + v + "'");
        }
        if (fields.containsKey(REASON)) {
            throw new IllegalStateException("reason must be the last field");
        }
        fields.put(key, v);
        return this;
    }

    public String verb() {
        return verb;
    }

    /** The field, or null when absent. */
    public String get(String key) {
        return fields.get(key);
    }

    /** The field; ProtocolException naming it when it is missing. */
    public String require(String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new ProtocolException(verb + ": missing field '" + key + "'");
        }
        return v;
    }

    /** An unsigned decimal field (below 2^63); ProtocolException when missing or malformed. */
    public long number(String key) {
        return parseNumber(key, require(key));
    }

    /** An optional unsigned decimal field, or {@code absent}. */
    public long number(String key, long absent) {
        String v = fields.get(key);
        return v == null ? absent : parseNumber(key, v);
    }

    private long parseNumber(String key, String v) {
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException(verb + ": field '" + key + "' is not a number: '" + v + "'");
        }
        return Long.parseLong(v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(verb);
        fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    public byte[] toBytes() {
        byte[] b = toString().getBytes(StandardCharsets.US_ASCII);
        if (b.length > MAX_BYTES) {
            throw new IllegalStateException("control message longer than " + MAX_BYTES + " bytes: " + this);
        }
        return b;
    }

    /** Parses a received message; ProtocolException saying what is wrong with it. */
    public static Control parse(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_BYTES) {
            throw new ProtocolException("control message of " + payload.length + " bytes (1.." + MAX_BYTES + ")");
        }
        String s = new String(payload, StandardCharsets.US_ASCII);
        if (!printable(s, true)) {
            throw new ProtocolException("control message is not printable ASCII");
        }
        int sp = s.indexOf(' ');
        String verb = sp < 0 ? s : s.substring(0, sp);
        if (!token(verb)) {
            throw new ProtocolException("control message has no verb: '" + s + "'");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int at = sp < 0 ? s.length() : sp + 1;
        while (at < s.length()) {
            int eq = s.indexOf('=', at);
            if (eq <= at) {
                throw new ProtocolException(verb + ": expected key=value at '" + s.substring(at) + "'");
            }
            String key = s.substring(at, eq);
            if (!token(key)) {
                throw new ProtocolException(verb + ": bad field name '" + key + "'");
            }
            int end = key.equals(REASON) ? s.length() : s.indexOf(' ', eq);
            end = end < 0 ? s.length() : end;
            String value = s.substring(eq + 1, end);
            if (value.isEmpty() || fields.put(key, value) != null) {
                throw new ProtocolException(verb + ": field '" + key + "' is empty or repeated");
            }
            at = end + 1;
        }
        return new Control(verb, fields);
    }

    private static void checkToken(String what, String v) {
        if (!token(v)) {
            throw new IllegalArgumentException(what + ": '" + v + "' must be 1-128 printable ASCII characters"
                    + " without spaces or '='");
        }
    }

    private static boolean token(String v) {
        return !v.isEmpty() && v.length() <= 128 && printable(v, false) && v.indexOf('=') < 0;
    }

    private static boolean printable(String v, boolean spaces) {
        return v.chars().allMatch(c -> c > ' ' && c < 0x7f || spaces && c == ' ');
    }
}
