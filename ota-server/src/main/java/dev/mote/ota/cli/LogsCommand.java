package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.rest.OtaClient;
import dev.mote.sdk.cli.Command;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota logs DEVICE [--follow]`: the log lines the device shipped (warnings and errors by
 * default), as the server keeps them; --follow keeps printing new ones as they arrive.
 */
final class LogsCommand implements Command {
    static final long FOLLOW_MILLIS = 1000;

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String summary() {
        return "a device's log lines (the newest, or --follow them as they come)";
    }

    @Override
    public String usage() {
        return "mote ota logs DEVICE [--lines N] [--follow] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota logs sensor-0042\n  mote ota logs sensor-0042 --follow\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("lines").hasArg().argName("N").desc("the newest N (default 50)").build())
                .addOption(Option.builder("f").longOpt("follow").desc("keep printing new lines (Ctrl-C ends)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        ServerArgs server = ServerArgs.from(line);
        if (positional.size() != 1) {
            throw new IllegalArgumentException("give one device id, got " + positional);
        }
        int lines = count(line.getOptionValue("lines", "50"));
        boolean follow = line.hasOption("follow");
        String path = "api/devices/" + URLEncoder.encode(positional.get(0), StandardCharsets.UTF_8) + "/logs";
        return ctx -> {
            OtaClient c = server.client(ctx);
            JsonNode got = c.get(path + "?limit=" + lines);
            long last = print(ctx.out(), server, got, 0);
            while (follow) {
                try {
                    Thread.sleep(FOLLOW_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
                last = print(ctx.out(), server, c.get(path + "?after=" + last + "&limit=1000"), last);
            }
            return 0;
        };
    }

    /** Prints the lines; returns the id of the last one (or {@code last} when there were none). */
    private static long print(PrintStream out, ServerArgs server, JsonNode lines, long last) {
        for (JsonNode l : lines) {
            if (server.json()) {
                out.println(l);
            } else {
                out.println(Print.time(l.get("receivedAt")) + "  " + l.get("line").asText());
            }
            last = l.get("id").asLong();
        }
        out.flush();
        return last;
    }

    static int count(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 5000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--lines: a number from 1 to 5000, got '" + s + "'");
    }
}
