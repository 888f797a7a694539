package dev.mote.ota.cli;

import dev.mote.sdk.cli.Command;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote ota status [ROLLOUT]`: every rollout, or one with its jobs (--jobs). */
final class StatusCommand implements Command {
    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show rollouts: state, phase, jobs per state (and each device's job with --jobs)";
    }

    @Override
    public String usage() {
        return "mote ota status [ROLLOUT] [--jobs] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota status\n  mote ota status 3 --jobs\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("jobs").desc("with ROLLOUT: list every device's job").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        ServerArgs server = ServerArgs.from(line);
        if (positional.isEmpty()) {
            return ctx -> Print.reply(ctx.out(), server, server.client(ctx).get("api/rollouts"), (out, list) -> {
                if (list.isEmpty()) {
                    out.println("no rollouts yet (mote ota rollout create --help)");
                }
                list.forEach(r -> Print.rollout(out, r));
            });
        }
        if (positional.size() > 1) {
            throw new IllegalArgumentException("one rollout id at most, got " + positional);
        }
        long id = PauseCommand.id(positional.get(0));
        boolean jobs = line.hasOption("jobs");
        return ctx -> {
            var c = server.client(ctx);
            var r = c.get("api/rollouts/" + id);
            if (!jobs) {
                return Print.reply(ctx.out(), server, r, Print::rollout);
            }
            var list = c.get("api/rollouts/" + id + "/jobs");
            if (server.json()) {
                ctx.out().println("{\"rollout\":" + r + ",\"jobs\":" + list + "}");
                return 0;
            }
            Print.rollout(ctx.out(), r);
            ctx.out().printf("  %-8s %-24s %5s %-12s %10s  %s%n", "JOB", "DEVICE", "PHASE", "STATE", "BYTES", "REASON");
            list.forEach(j -> ctx.out().printf("  %-8d %-24s %5d %-12s %10d  %s%n", j.get("id").asLong(),
                    j.get("device").asText(), j.get("phase").asInt(), j.get("state").asText(),
                    j.get("bytes").asLong(), Print.text(j.get("reason"))));
            return 0;
        };
    }
}
