package dev.mote.flasher.cli;

import java.util.Iterator;
import java.util.Map;

/**
 * One JSON object on one line, for --json events: string, number, boolean and null values.
 * (The SDK's cli.Json does the same but is package-private there.)
 */
final class JsonLine {
    private JsonLine() {
    }

    static String of(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{");
        for (Iterator<? extends Map.Entry<String, ?>> it = fields.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, ?> e = it.next();
            string(sb, e.getKey());
            sb.append(':');
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                string(sb, v.toString());
            }
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.append('}').toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
