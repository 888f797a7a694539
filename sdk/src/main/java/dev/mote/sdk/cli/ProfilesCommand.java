package dev.mote.sdk.cli;

import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.GuestExit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote profiles`: the boards an app can be built for, and which of them `mote run` boots. With
 * --json, every fact of each profile that a script may need (memory map, flash layout, how QEMU
 * exits), so scripts (bench/) ask the SDK instead of parsing profile files themselves.
 */
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
        return "mote profiles [--json] [-p PROFILE]...";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote profiles",
                "  mote profiles --json",
                "  mote profiles --json -p qemu-virt-arm64 -p my-board.profile   # just these",
                "  MOTE_PROFILE_PATH=~/boards mote profiles    # your own profiles first",
                "Profiles come from MOTE_PROFILE_PATH (or the nearest device-profiles/ above the",
                "current directory), then from the SDK. 'emulated' ones run with 'mote run';",
                "'built-not-run' ones build for real hardware that has not been booted by the tests.");
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("json").desc("print the list as JSON, every"
                        + " field of each profile").build())
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("only this profile (a name or a .profile file; repeatable)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + positional.get(0) + "'");
        }
        boolean json = line.hasOption("json");
        String[] only = line.getOptionValues("p");
        return ctx -> list(ctx, json, only == null ? List.of() : List.of(only));
    }

    private static int list(Context ctx, boolean json, List<String> only) throws IOException {
        List<Profile> all = only.isEmpty() ? ctx.profiles().all() : new ArrayList<>();
        for (String name : only) {
            all.add(ctx.profiles().resolve(name));
        }
        if (json) {
            List<Object> rows = new ArrayList<>();
            for (Profile p : all) {
                rows.add(fields(p));
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

    /** One profile as `--json` prints it: name, arch, status first, then the rest of the model. */
    static Map<String, Object> fields(Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("arch", p.arch().keyword());
        m.put("status", p.hardware().keyword());
        m.put("description", p.description());
        m.put("file", p.source().toString());
        m.put("cpu", p.cpu());
        m.put("runnable", p.runnable());
        m.put("ram_base", hex(p.ramBase()));
        m.put("ram_size", p.ramSize());
        m.put("load_address", hex(p.loadAddress()));
        m.put("bootloader_address", hex(p.bootloaderAddress()));
        m.put("boot_protocol", p.bootProtocol().keyword());
        m.put("console_type", p.consoleType());
        m.put("console_base", hex(p.consoleBase()));
        m.put("exit", p.exit().keyword());
        // What QEMU itself exits with when the guest exits 0 (isa-debug-exit shifts the code).
        m.put("qemu_ok_status", GuestExit.qemuStatus(p.exit(), 0));
        m.put("net", p.net().keyword());
        m.put("rng", p.rng().keyword());
        m.put("flash_size", p.flashSize());
        List<Object> parts = new ArrayList<>();
        for (Partition part : p.partitions()) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("name", part.name());
            q.put("offset", part.offset());
            q.put("size", part.size());
            parts.add(q);
        }
        m.put("partitions", parts);
        m.put("qemu_binary", p.qemuBinary());
        m.put("qemu_args", p.qemuArgs());
        return m;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
