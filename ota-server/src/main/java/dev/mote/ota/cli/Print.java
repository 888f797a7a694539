package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Human output for the client commands: aligned columns, times in UTC, sizes in KiB. */
final class Print {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private Print() {
    }

    /** The reply as JSON, one line, for --json. */
    static void json(PrintStream out, JsonNode reply) {
        out.println(reply.toString());
    }

    static String time(JsonNode epochMillis) {
        long ms = epochMillis == null ? 0 : epochMillis.asLong();
        return ms == 0 ? "never" : TIME.format(Instant.ofEpochMilli(ms));
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() ? "-" : n.isArray() ? join(n) : n.asText();
    }

    private static String join(JsonNode arr) {
        if (arr.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        arr.forEach(e -> sb.append(sb.length() == 0 ? "" : ",").append(e.asText()));
        return sb.toString();
    }

    static String shortSha(JsonNode sha) {
        String s = text(sha);
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    static void rollout(PrintStream out, JsonNode r) {
        out.printf("rollout %d%s: %s%s%n", r.get("id").asLong(),
                r.get("name").isNull() ? "" : " (" + r.get("name").asText() + ")", r.get("state").asText(),
                r.get("reason").isNull() ? "" : " - " + r.get("reason").asText());
        out.printf("  image %s (version %s) -> group %s, tag %s: %d devices%n", shortSha(r.get("image")),
                text(r.get("version")), text(r.get("group")), text(r.get("tag")), r.get("devices").asInt());
        out.printf("  phase %d of %d (%s), at most %d in flight, deadline %ds, success >= %s, failure > %s pauses%n",
                r.get("phase").asInt(), r.get("phaseCount").asInt(), text(r.get("phases")),
                r.get("maxInFlight").asInt(), r.get("deadlineSeconds").asLong(),
                pct(r.get("successThreshold")), pct(r.get("failureThreshold")));
        StringBuilder counts = new StringBuilder();
        r.get("counts").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() > 0) {
                counts.append(counts.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            }
        });
        out.println("  jobs: " + (counts.length() == 0 ? "none" : counts));
    }

    private static String pct(JsonNode fraction) {
        return Math.round(fraction.asDouble() * 1000) / 10.0 + "%";
    }

    /** Client commands print the reply as JSON, or via {@code human}. */
    interface Human {
        void print(PrintStream out, JsonNode reply);
    }

    static int reply(PrintStream out, ServerArgs args, JsonNode reply, Human human) {
        if (args.json()) {
            json(out, reply);
        } else {
            human.print(out, reply);
        }
        return 0;
    }
}
