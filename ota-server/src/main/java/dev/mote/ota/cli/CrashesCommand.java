package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.sdk.cli.Command;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota crashes` lists crash groups (crashes alike: the same fault kind, backtrace and
 * version), the most recent first; `mote ota crashes GROUP` shows one: crashes per device, the
 * rollout jobs whose TEST boot they ended, and the newest record.
 */
final class CrashesCommand implements Command {
    @Override
    public String name() {
        return "crashes";
    }

    @Override
    public String summary() {
        return "crash groups by signature (kind + backtrace + version), or one group with its records";
    }

    @Override
    public String usage() {
        return "mote ota crashes [GROUP] [--device ID] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota crashes\n  mote ota crashes --device sensor-0042\n  mote ota crashes 3\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("device").hasArg().argName("ID")
                        .desc("only groups this device crashed in").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        ServerArgs server = ServerArgs.from(line);
        if (positional.size() > 1) {
            throw new IllegalArgumentException("one crash group at most, got " + positional);
        }
        if (positional.isEmpty()) {
            String device = line.getOptionValue("device");
            String q = device == null ? "" : "?device=" + URLEncoder.encode(device, StandardCharsets.UTF_8);
            return ctx -> Print.reply(ctx.out(), server, server.client(ctx).get("api/crashes" + q), (out, list) -> {
                if (list.isEmpty()) {
                    out.println("no crashes" + (device == null ? "" : " of " + device));
                    return;
                }
                out.printf("%-6s %6s %7s %-10s %-22s %-19s %s%n", "GROUP", "COUNT", "DEVICES", "VERSION", "KIND",
                        "LAST (UTC)", "BACKTRACE");
                list.forEach(g -> out.printf("%-6d %6d %7d %-10s %-22s %-19s %s%n", g.get("id").asLong(),
                        g.get("count").asLong(), g.get("devices").asLong(), g.get("version").asText(),
                        g.get("kind").asText(), Print.time(g.get("lastSeen")), frames(g.get("frames"))));
            });
        }
        long id = PauseCommand.id(positional.get(0));
        return ctx -> Print.reply(ctx.out(), server, server.client(ctx).get("api/crashes/" + id), CrashesCommand::group);
    }

    private static String frames(JsonNode f) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : f) {
            sb.append(sb.length() == 0 ? "" : " < ").append(n.asText());
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static void group(java.io.PrintStream out, JsonNode d) {
        JsonNode g = d.get("group");
        out.printf("crash group %d: %s in %s, %d crash(es) on %d device(s), %s .. %s (UTC)%n", g.get("id").asLong(),
                g.get("kind").asText(), g.get("version").asText(), g.get("count").asLong(), g.get("devices").asLong(),
                Print.time(g.get("firstSeen")), Print.time(g.get("lastSeen")));
        out.println("  signature " + g.get("signature").asText() + ": " + frames(g.get("frames")));
        d.get("perDevice").forEach(p -> out.printf("  device %-24s %d%n", p.get("device").asText(), p.get("count").asLong()));
        d.get("jobs").forEach(j -> out.printf("  failed the TEST boot of job %d (rollout %d)%n", j.get("job").asLong(),
                j.get("rollout").asLong()));
        JsonNode crashes = d.get("crashes");
        if (!crashes.isEmpty()) {
            JsonNode c = crashes.get(0);
            out.printf("newest: device %s, record %d, received %s (UTC)%s%n", c.get("device").asText(),
                    c.get("seq").asLong(), Print.time(c.get("receivedAt")),
                    c.get("lost").asLong() > 0 ? ", " + c.get("lost").asLong() + " earlier record(s) lost" : "");
            out.print(c.get("record").asText());
        }
    }
}
