package dev.mote.sdk.cli;

import dev.mote.sdk.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** `mote doctor`: is every host tool Mote drives installed? */
final class DoctorCommand implements Command {
    static final List<String> TOOLS = List.of("clang", "ld.lld", "llvm-objcopy", "qemu-system-aarch64",
            "qemu-system-x86_64", "gdb-multiarch");

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "check that the host tools (clang, lld, QEMU, gdb, Java) are installed";
    }

    @Override
    public String usage() {
        return "mote doctor";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote doctor",
                "  sudo scripts/setup.sh && mote doctor      # install what is missing, then check",
                "Exits 1 if a tool is missing, naming the Debian package to install.");
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + positional.get(0) + "'");
        }
        return DoctorCommand::check;
    }

    private static int check(Context ctx) {
        Tools tools = ctx.tools();
        int missing = 0;
        for (String tool : TOOLS) {
            Path p = tools.find(tool);
            if (p != null) {
                ctx.out().printf("OK       %-20s %s%n", tool, p);
            } else {
                missing++;
                ctx.out().printf("MISSING  %-20s apt-get install %s%n", tool, Tools.PACKAGES.get(tool));
            }
        }
        int java = Runtime.version().feature();
        if (java >= 17) {
            ctx.out().printf("OK       %-20s %s%n", "java", Runtime.version());
        } else {
            missing++;
            ctx.out().printf("MISSING  %-20s Java 17+ needed, found %s: apt-get install openjdk-17-jdk-headless%n",
                    "java", Runtime.version());
        }
        Path kvm = Path.of("/dev/kvm");
        ctx.out().printf("%-8s %-20s %s%n", "INFO", "kvm", Files.isReadable(kvm) && Files.isWritable(kvm)
                ? "usable: same-arch guests run with -accel kvm" : "not usable: QEMU uses TCG (slower, works)");
        if (missing > 0) {
            ctx.err().println("mote: error: doctor: " + missing + " tool" + (missing == 1 ? " is" : "s are")
                    + " missing");
            ctx.err().println("hint: run scripts/setup.sh (as root or with sudo) to install them");
            return 1;
        }
        return 0;
    }
}
