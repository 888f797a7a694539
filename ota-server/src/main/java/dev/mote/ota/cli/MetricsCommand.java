package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.sdk.cli.Command;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote ota metrics DEVICE`: the device's latest heartbeats, one row each, the newest last. */
final class MetricsCommand implements Command {
    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public String summary() {
        return "a device's metrics heartbeats: uptime, heap, CPU idle, network, reboot reason, last crash";
    }

    @Override
    public String usage() {
        return "mote ota metrics DEVICE [--lines N] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota metrics sensor-0042\n  mote ota metrics sensor-0042 --lines 1 --json\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("lines").hasArg().argName("N").desc("the newest N (default 10)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        ServerArgs server = ServerArgs.from(line);
        if (positional.size() != 1) {
            throw new IllegalArgumentException("give one device id, got " + positional);
        }
        int lines = LogsCommand.count(line.getOptionValue("lines", "10"));
        String path = "api/devices/" + URLEncoder.encode(positional.get(0), StandardCharsets.UTF_8) + "/metrics?limit="
                + lines;
        return ctx -> Print.reply(ctx.out(), server, server.client(ctx).get(path), (out, list) -> {
            if (list.isEmpty()) {
                out.println("no heartbeat yet from " + positional.get(0));
                return;
            }
            out.printf("%-19s %10s %9s %9s %6s %10s %10s %-14s %s%n", "RECEIVED (UTC)", "UPTIME_S", "HEAP", "PEAK",
                    "IDLE%", "RX_FRAMES", "TX_FRAMES", "REBOOT", "LAST_CRASH");
            for (JsonNode m : list) {
                JsonNode f = m.get("fields");
                long up = f.has("uptime_ms") ? f.get("uptime_ms").asLong() / 1000 : 0;
                out.printf("%-19s %10d %9s %9s %6s %10s %10s %-14s %s%n", Print.time(m.get("receivedAt")), up,
                        Print.text(f.get("heap_used")), Print.text(f.get("heap_peak")), Print.text(f.get("idle_pct")),
                        Print.text(f.get("rx_frames")), Print.text(f.get("tx_frames")), Print.text(f.get("reboot")),
                        Print.text(f.get("last_crash")));
            }
            JsonNode newest = list.get(list.size() - 1).get("fields");
            if (newest.has("cpu")) {
                out.println("cpu % per thread (newest): " + newest.get("cpu").asText());
            }
        });
    }
}
