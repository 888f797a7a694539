package dev.mote.sdk.profile;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code key = value} text format of device profiles and of an app's {@code mote.build}: one
 * field per line, {@code #} starts a comment, blank lines are ignored, every key is known, set
 * once and given a value. Reading checks only that; the caller gives each value its meaning.
 */
public final class KeyValueLines {
    /** A value and the line (from 1) it was on. */
    public record Value(String text, int line) {
    }

    /** How the caller reports a mistake on a line: its own exception type, its own wording around it. */
    @FunctionalInterface
    public interface Errors {
        RuntimeException at(int line, String what);
    }

    private KeyValueLines() {
    }

    /**
     * The fields of {@code lines} in file order, each key one of {@code known}; the first
     * mistake is thrown through {@code errors}.
     */
    public static Map<String, Value> read(List<String> lines, Collection<String> known, Errors errors) {
        Map<String, Value> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            int eq = content.indexOf('=');
            if (eq < 0) {
                throw errors.at(lineNo, "expected 'key = value', got '" + content + "'");
            }
            String key = content.substring(0, eq).trim();
            String value = content.substring(eq + 1).trim();
            if (!known.contains(key)) {
                throw errors.at(lineNo, "unknown field '" + key + "'");
            }
            if (value.isEmpty()) {
                throw errors.at(lineNo, "field '" + key + "': empty value");
            }
            Value previous = values.put(key, new Value(value, lineNo));
            if (previous != null) {
                throw errors.at(lineNo, "field '" + key + "': set twice (first on line " + previous.line() + ")");
            }
        }
        return values;
    }
}
