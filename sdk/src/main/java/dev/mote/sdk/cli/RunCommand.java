package dev.mote.sdk.cli;

import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote run <elf>`: boot an image under QEMU; the guest's exit code becomes ours. */
final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "boot an image under QEMU with the console on this terminal";
    }

    @Override
    public String usage() {
        return "mote run <image.elf> [-p <profile>] [--timeout S] [--gdb [PORT]] [--mem SIZE] [--cpu CPU]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote run out/hello.elf                      # the profile is read from the image",
                "  mote run out/hello.elf --cpu cortex-a72 --mem 64M",
                "  mote run out/threads.elf --timeout 120",
                "  mote run out/panic.elf --gdb                # then, in another terminal:",
                "  gdb-multiarch -q out/panic.elf -ex 'target remote 127.0.0.1:1234'",
                "The command exits with the guest's exit code (101 after a panic); it fails (1) if QEMU",
                "cannot run or the timeout (default 60 s; 0 = none) expires.");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("device profile (default: the one the image was built for)").build())
                .addOption(Option.builder().longOpt("timeout").hasArg().argName("S")
                        .desc("kill QEMU after S seconds (default 60, none with --gdb; 0 = none)").build())
                .addOption(Option.builder().longOpt("gdb").hasArg().optionalArg(true).argName("PORT")
                        .desc("start halted, gdb server on 127.0.0.1:PORT (default 1234)").build())
                .addOption(Option.builder().longOpt("mem").hasArg().argName("SIZE")
                        .desc("guest RAM, e.g. 64M (default: the profile's ram.size)").build())
                .addOption(Option.builder().longOpt("cpu").hasArg().argName("CPU")
                        .desc("CPU model, e.g. cortex-a72 (default: the profile's)").build())
                .addOption(Option.builder().longOpt("accel").hasArg().argName("auto|tcg|kvm")
                        .desc("accelerator (default auto: KVM if usable and same arch, else TCG)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        List<String> args = new ArrayList<>(positional);
        Integer gdbPort = null;
        if (line.hasOption("gdb")) {
            String v = line.getOptionValue("gdb");
            gdbPort = RunOptions.DEFAULT_GDB_PORT;
            if (v != null && v.matches("\\d+")) {
                gdbPort = Integer.parseInt(v);
            } else if (v != null) {
                args.add(0, v); // `--gdb out/x.elf`: the optional port was really the image
            }
        }
        if (args.size() != 1) {
            throw new IllegalArgumentException(args.isEmpty() ? "<image.elf>: missing (the ELF mote build wrote)"
                    : "<image.elf>: expected one image, got " + args.size() + ": " + args);
        }
        Duration timeout = gdbPort != null ? null : RunOptions.DEFAULT_TIMEOUT;
        if (line.hasOption("timeout")) {
            String t = line.getOptionValue("timeout");
            if (!t.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("--timeout: '" + t + "' is not a number of seconds");
            }
            long s = Long.parseLong(t);
            timeout = s == 0 ? null : Duration.ofSeconds(s);
        }
        Long mem = line.hasOption("mem") ? Numbers.parseArgument("--mem", line.getOptionValue("mem")) : null;
        RunOptions.Accel accel = RunOptions.Accel.AUTO;
        if (line.hasOption("accel")) {
            String a = line.getOptionValue("accel");
            try {
                accel = RunOptions.Accel.valueOf(a.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--accel: '" + a + "' is not one of auto, tcg, kvm");
            }
        }
        RunOptions options = new RunOptions(timeout, gdbPort, mem, line.getOptionValue("cpu"), accel, false);
        return new Run(args.get(0), line.getOptionValue("p"), options);
    }

    /** A parsed `mote run`. */
    record Run(String image, String profile, RunOptions options) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Path elf = ctx.path(image);
            Profile p = QemuRunner.profileFor(elf, profile, ctx.profiles());
            RunOptions o = new RunOptions(options.timeout(), options.gdbPort(), options.memBytes(),
                    options.cpu(), options.accel(), ctx.interactive());
            RunResult r = new QemuRunner(ctx.tools(), ctx.err()).run(elf, p, o, ctx.out());
            ctx.out().flush();
            return r.guestExitCode();
        }
    }
}
