package dev.mote.ota.cli;

import dev.mote.sdk.cli.Command;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota devices [filters]` lists the registry; `mote ota devices ID` shows one device with
 * its update history; `--set-group`/`--set-tags` label it.
 */
final class DevicesCommand implements Command {
    @Override
    public String name() {
        return "devices";
    }

    @Override
    public String summary() {
        return "list devices (or show one, with its update history; or set its group and tags)";
    }

    @Override
    public String usage() {
        return "mote ota devices [ID] [--group G] [--tag T] [--profile P] [--online|--offline]"
                + " [--set-group G --set-tags T1,T2] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota devices --group lab --online\n  mote ota devices sensor-0042\n"
                + "  mote ota devices sensor-0042 --set-group lab --set-tags floor2,beta\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("group").hasArg().desc("only devices in this group").build())
                .addOption(Option.builder().longOpt("tag").hasArg().desc("only devices with this tag").build())
                .addOption(Option.builder().longOpt("profile").hasArg().desc("only devices of this profile").build())
                .addOption(Option.builder().longOpt("online").desc("only devices connected now").build())
                .addOption(Option.builder().longOpt("offline").desc("only devices not connected now").build())
                .addOption(Option.builder().longOpt("set-group").hasArg().argName("G")
                        .desc("with ID: put the device in group G ('' for none)").build())
                .addOption(Option.builder().longOpt("set-tags").hasArg().argName("T1,T2")
                        .desc("with ID: replace the device's tags ('' for none)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        ServerArgs server = ServerArgs.from(line);
        if (positional.size() > 1) {
            throw new IllegalArgumentException("one device id at most, got " + positional);
        }
        boolean label = line.hasOption("set-group") || line.hasOption("set-tags");
        if (positional.isEmpty()) {
            if (label) {
                throw new IllegalArgumentException("--set-group/--set-tags: give the device id first");
            }
            if (line.hasOption("online") && line.hasOption("offline")) {
                throw new IllegalArgumentException("--online and --offline exclude each other");
            }
            String query = query(line);
            return ctx -> Print.reply(ctx.out(), server, server.client(ctx).get("api/devices" + query), (out, list) -> {
                out.printf("%-24s %-10s %-14s %-22s %-10s %-7s %s%n", "ID", "GROUP", "TAGS", "PROFILE", "VERSION",
                        "ONLINE", "LAST SEEN (UTC)");
                list.forEach(d -> out.printf("%-24s %-10s %-14s %-22s %-10s %-7s %s%n", d.get("id").asText(),
                        Print.text(d.get("group")), Print.text(d.get("tags")), Print.text(d.get("profile")),
                        Print.text(d.get("version")), d.get("online").asBoolean() ? "yes" : "no",
                        Print.time(d.get("lastSeen"))));
                out.println(list.size() + " device(s)");
            });
        }
        String id = positional.get(0);
        String path = "api/devices/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        if (label) {
            String group = line.getOptionValue("set-group");
            List<String> tags = tags(line.getOptionValue("set-tags", ""));
            return ctx -> {
                var c = server.client(ctx);
                List<String> keep = tags;
                if (!line.hasOption("set-tags")) {
                    keep = new ArrayList<>();
                    for (var t : c.get(path).get("tags")) {
                        keep.add(t.asText());
                    }
                }
                String g = group != null ? group : Print.text(c.get(path).get("group"));
                Map<String, Object> body = new java.util.HashMap<>();
                body.put("group", g.isEmpty() || g.equals("-") ? null : g);
                body.put("tags", keep);
                return Print.reply(ctx.out(), server, c.put(path, body), (out, d) ->
                        out.printf("%s: group %s, tags %s%n", id, Print.text(d.get("group")), Print.text(d.get("tags"))));
            };
        }
        return ctx -> {
            var c = server.client(ctx);
            var d = c.get(path);
            var history = c.get(path + "/history");
            if (server.json()) {
                ctx.out().println("{\"device\":" + d + ",\"history\":" + history + "}");
                return 0;
            }
            var out = ctx.out();
            out.printf("%s: %s %s (slot %s, security counter %d), %s, last seen %s%n", id, Print.text(d.get("profile")),
                    Print.text(d.get("version")), Print.text(d.get("slot")), d.get("securityCounter").asLong(),
                    d.get("online").asBoolean() ? "online" : "offline", Print.time(d.get("lastSeen")));
            out.printf("  group %s, tags %s, first seen %s%n", Print.text(d.get("group")), Print.text(d.get("tags")),
                    Print.time(d.get("firstSeen")));
            out.println("history:");
            history.forEach(h -> out.printf("  %s  %-18s %s%s%n", Print.time(h.get("at")), h.get("event").asText(),
                    h.get("job").isNull() ? "" : "job " + h.get("job").asLong() + " ", Print.text(h.get("detail"))));
            return 0;
        };
    }

    static List<String> tags(String csv) {
        List<String> out = new ArrayList<>();
        for (String t : csv.split(",")) {
            if (!t.isBlank()) {
                out.add(t.trim());
            }
        }
        return out;
    }

    private static String query(CommandLine line) {
        StringBuilder q = new StringBuilder();
        for (String k : List.of("group", "tag", "profile")) {
            if (line.hasOption(k)) {
                q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
                        .append(URLEncoder.encode(line.getOptionValue(k), StandardCharsets.UTF_8));
            }
        }
        if (line.hasOption("online") || line.hasOption("offline")) {
            q.append(q.length() == 0 ? "?" : "&").append("online=").append(line.hasOption("online"));
        }
        return q.toString();
    }
}
