package dev.mote.sdk.cli;

import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote profiles`: the boards an app can be built for, and which of them `mote run` boots. */
final class ProfilesCommand implements Command {
    @Override
    public String name() {
        return "profiles";
    }

    @Override
    public String summary() {
        return "list the device profiles (boards) and whether they run under QEMU";
    }

    @Override
    public String usage() {
        return "mote profiles [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote profiles",
                "  mote profiles --json",
                "  MOTE_PROFILE_PATH=~/boards mote profiles    # your own profiles first",
                "Profiles come from MOTE_PROFILE_PATH (or the nearest device-profiles/ above the",
                "current directory), then from the SDK. 'emulated' ones run with 'mote run';",
                "'built-not-run' ones build for real hardware that has not been booted by the tests.");
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("json").desc("print the list as JSON").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + positional.get(0) + "'");
        }
        boolean json = line.hasOption("json");
        return ctx -> list(ctx, json);
    }

    private static int list(Context ctx, boolean json) throws IOException {
        List<Profile> all = ctx.profiles().all();
        if (json) {
            List<Object> rows = new ArrayList<>();
            for (Profile p : all) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", p.name());
                m.put("arch", p.arch().keyword());
                m.put("status", p.hardware().keyword());
                m.put("description", p.description());
                m.put("file", p.source().toString());
                rows.add(m);
            }
            ctx.out().println(Json.write(rows));
            return 0;
        }
        int width = all.stream().mapToInt(p -> p.name().length()).max().orElse(4);
        String format = "%-" + width + "s  %-6s  %-13s  %s%n";
        ctx.out().printf(format, "NAME", "ARCH", "STATUS", "DESCRIPTION");
        for (Profile p : all) {
            ctx.out().printf(format, p.name(), p.arch().keyword(), p.hardware().keyword(), p.description());
        }
        return 0;
    }
}
