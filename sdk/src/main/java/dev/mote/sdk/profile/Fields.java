package dev.mote.sdk.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Typed access to the raw fields of one profile file, with errors that name file:line:field. */
final class Fields {
    private final String display;
    private final Map<String, KeyValueLines.Value> values;

    Fields(String display, Map<String, KeyValueLines.Value> values) {
        this.display = display;
        this.values = values;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    ProfileException error(String key, String detail) {
        KeyValueLines.Value v = values.get(key);
        return new ProfileException(display, v == null ? 0 : v.line(), "field '" + key + "': " + detail);
    }

    String text(String key) {
        KeyValueLines.Value v = values.get(key);
        if (v == null) {
            throw new ProfileException(display, 0, "missing required field '" + key + "'");
        }
        return v.text();
    }

    long size(String key) {
        return one(key, "a size (use bytes or K/M/G)");
    }

    long address(String key) {
        return one(key, "an address (use 0x hex or decimal)");
    }

    int integer(String key) {
        long v = one(key, "a number");
        if (v > Integer.MAX_VALUE) {
            throw error(key, v + " is too large");
        }
        return (int) v;
    }

    List<Long> sizes(String key) {
        return many(key, "a size (use bytes or K/M/G)");
    }

    List<Long> addresses(String key) {
        return many(key, "an address (use 0x hex or decimal)");
    }

    <E extends Enum<E>> E keyword(String key, E[] choices) {
        String text = text(key);
        List<String> names = new ArrayList<>();
        for (E e : choices) {
            String keyword = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (keyword.equals(text)) {
                return e;
            }
            names.add(keyword);
        }
        throw error(key, "'" + text + "' is not one of " + String.join(", ", names));
    }

    private long one(String key, String what) {
        List<Long> v = many(key, what);
        if (v.size() != 1) {
            throw error(key, "expected one value, got " + v.size());
        }
        return v.get(0);
    }

    private List<Long> many(String key, String what) {
        List<Long> result = new ArrayList<>();
        for (String word : text(key).split("\\s+")) {
            Long n = Numbers.parse(word);
            if (n == null) {
                throw error(key, "'" + word + "' is not " + what);
            }
            result.add(n);
        }
        return result;
    }
}
