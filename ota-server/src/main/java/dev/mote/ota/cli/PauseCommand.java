package dev.mote.ota.cli;

import dev.mote.sdk.cli.Command;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote ota pause|resume|cancel ROLLOUT`: one class, three commands. */
final class PauseCommand implements Command {
    private final String action;
    private final String summary;

    private PauseCommand(String action, String summary) {
        this.action = action;
        this.summary = summary;
    }

    static List<Command> all() {
        return List.of(new PauseCommand("pause", "pause a rollout: nothing new is offered; jobs in flight go on"),
                new PauseCommand("resume", "resume a paused rollout"),
                new PauseCommand("cancel", "cancel a rollout: queued devices are never offered, jobs in flight told to stop"));
    }

    @Override
    public String name() {
        return action;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String usage() {
        return "mote ota " + action + " ROLLOUT" + (action.equals("pause") ? " [--reason TEXT]" : "") + " [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota " + action + " 3\n";
    }

    @Override
    public Options options() {
        Options o = ServerArgs.add(new Options());
        return action.equals("pause")
                ? o.addOption(Option.builder().longOpt("reason").hasArg().desc("why, shown in status").build()) : o;
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException("ROLLOUT: give one rollout id (mote ota status lists them)");
        }
        long id = id(positional.get(0));
        ServerArgs server = ServerArgs.from(line);
        Object body = line.hasOption("reason") ? Map.of("reason", line.getOptionValue("reason")) : null;
        return ctx -> Print.reply(ctx.out(), server,
                server.client(ctx).post("api/rollouts/" + id + "/" + action, body), Print::rollout);
    }

    static long id(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ROLLOUT: '" + v + "' is not a rollout id (a number; mote ota status)");
        }
    }
}
