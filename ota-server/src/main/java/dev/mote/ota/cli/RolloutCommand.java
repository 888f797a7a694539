package dev.mote.ota.cli;

import dev.mote.ota.fleet.Limits;
import dev.mote.ota.fleet.Records;
import dev.mote.sdk.cli.Command;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote ota rollout create ...`: a staged rollout of one image to a group or tag. */
final class RolloutCommand implements Command {
    static final String DEFAULT_PHASES = "10%,100%";

    @Override
    public String name() {
        return "rollout";
    }

    @Override
    public String summary() {
        return "start a staged rollout: a canary phase, then waves, paused by failures";
    }

    @Override
    public String usage() {
        return "mote ota rollout create --image SHA [--group G] [--tag T] [--phases 10,50%,100%]"
                + " [--max-in-flight N] [--deadline 30m] [--success 95%] [--failure 10%] [--name NAME] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota rollout create --image 9f2c1e0b --group lab\n"
                + "  mote ota rollout create --image 9f2c1e0b --tag beta --phases 5,25%,100% --max-in-flight 50 \\\n"
                + "      --deadline 20m --success 98% --failure 2% --name spring-fix\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("image").hasArg().argName("SHA")
                        .desc("the uploaded image: its SHA-256 or a unique prefix of 8+ hex digits (mote ota images)").build())
                .addOption(Option.builder().longOpt("group").hasArg().desc("target the devices of this group").build())
                .addOption(Option.builder().longOpt("tag").hasArg().desc("target the devices with this tag").build())
                .addOption(Option.builder().longOpt("phases").hasArg().argName("LIST")
                        .desc("cumulative phase sizes, devices or % of the targets; the last is 100% (default "
                                + DEFAULT_PHASES + ")").build())
                .addOption(Option.builder().longOpt("max-in-flight").hasArg().argName("N")
                        .desc("devices updating at once, at most (default 100)").build())
                .addOption(Option.builder().longOpt("deadline").hasArg().argName("TIME")
                        .desc("a device not confirmed this long after its offer has failed: 90s, 30m, 2h (default 30m)").build())
                .addOption(Option.builder().longOpt("success").hasArg().argName("PCT")
                        .desc("confirmed share of a phase needed to go on (default 95%)").build())
                .addOption(Option.builder().longOpt("failure").hasArg().argName("PCT")
                        .desc("failed share of a phase that pauses the rollout when exceeded (default 10%)").build())
                .addOption(Option.builder().longOpt("name").hasArg().desc("a name to recognise it by").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1 || !positional.get(0).equals("create")) {
            throw new IllegalArgumentException("expected 'rollout create' (status, pause, resume and cancel are"
                    + " their own commands), got " + positional);
        }
        String image = line.getOptionValue("image");
        if (image == null) {
            throw new IllegalArgumentException("--image: missing (the SHA-256 'mote ota upload' printed)");
        }
        if (!line.hasOption("group") && !line.hasOption("tag")) {
            throw new IllegalArgumentException("give --group and/or --tag: a rollout to every device must say so"
                    + " (--tag with a tag they all carry)");
        }
        List<String> phases = Arrays.stream(line.getOptionValue("phases", DEFAULT_PHASES).split(","))
                .map(String::trim).toList();
        int inFlight = Args.whole("--max-in-flight", line.getOptionValue("max-in-flight", "100"), 1);
        long deadline = Args.seconds("--deadline", line.getOptionValue("deadline", "30m"), Limits.MAX_DEADLINE_SECONDS);
        if (inFlight > Limits.MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("--max-in-flight: at most " + Limits.MAX_IN_FLIGHT + ", got " + inFlight);
        }
        double success = Args.fraction("--success", line.getOptionValue("success", "95%"));
        double failure = Args.fraction("--failure", line.getOptionValue("failure", "10%"));
        var spec = new Records.RolloutSpec(line.getOptionValue("name"), image, line.getOptionValue("group"),
                line.getOptionValue("tag"), phases, inFlight, deadline, success, failure);
        ServerArgs server = ServerArgs.from(line);
        return ctx -> Print.reply(ctx.out(), server, server.client(ctx).post("api/rollouts", spec), Print::rollout);
    }
}
