package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;

/**
 * The `mote` command line: {@code Main.fromArgs(args).run()}. fromArgs only parses; run does
 * the work through the SDK's library API and maps the outcome to an exit code: 0 ok, 1 failed,
 * 2 usage (for `mote run`, the guest's exit code).
 */
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new BuildCommand(), new RunCommand(), new KeygenCommand(), new SignCommand(),
                new MkflashCommand(), new FlashinfoCommand(),
                new VerifyCommand(), new InspectCommand(), new ProfilesCommand(), new DoctorCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private final Context ctx;
    private final Command command;
    private final Command.Invocation invocation;
    private final String usageError;

    private Main(Context ctx, Command command, Command.Invocation invocation, String usageError) {
        this.ctx = ctx;
        this.command = command;
        this.invocation = invocation;
        this.usageError = usageError;
    }

    public static Main fromArgs(String... args) {
        return fromArgs(args, Context.system());
    }

    /** Parses {@code args}; nothing runs until {@link #run()}. */
    public static Main fromArgs(String[] args, Context ctx) {
        if (args.length == 0) {
            return new Main(ctx, null, null, "missing command");
        }
        String name = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            Command about = rest.isEmpty() ? null : COMMANDS.get(rest.get(0));
            if (!rest.isEmpty() && about == null) {
                return new Main(ctx, null, null, "unknown command '" + rest.get(0) + "'");
            }
            return new Main(ctx, about, c -> help(c, about), null);
        }
        Command command = COMMANDS.get(name);
        if (command == null) {
            return new Main(ctx, null, null, "unknown command '" + name + "'");
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            return new Main(ctx, command, c -> help(c, command), null);
        }
        try {
            CommandLine line = DefaultParser.builder().build().parse(command.options(), rest.toArray(new String[0]));
            return new Main(ctx, command, command.parse(line, line.getArgList()), null);
        } catch (ParseException | IllegalArgumentException e) {
            return new Main(ctx, command, null, e.getMessage());
        }
    }

    /** The parsed command, for tests; null if the arguments were unusable. */
    Command.Invocation invocation() {
        return invocation;
    }

    /** Runs the parsed command and returns the process exit code. */
    public int run() {
        String what = command == null ? "mote" : command.name();
        if (usageError != null) {
            return usage(usageError);
        }
        try {
            return invocation.execute(ctx);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (MoteException e) {
            return fail(e.getMessage(), e.hint());
        } catch (IOException e) {
            return fail(what + ": " + e.getMessage(), null);
        } catch (UncheckedIOException e) {
            return fail(what + ": " + e.getCause().getMessage(), null);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    private int usage(String message) {
        ctx.err().println("mote: error: " + message);
        ctx.err().println(command == null ? "hint: run 'mote help' for the commands"
                : "hint: usage: " + command.usage() + "  (more: mote " + command.name() + " --help)");
        return EXIT_USAGE;
    }

    private int fail(String message, String hint) {
        ctx.out().flush();
        ctx.err().println("mote: error: " + message);
        if (hint != null) {
            ctx.err().println("hint: " + hint);
        }
        return EXIT_FAILED;
    }

    private static int help(Context ctx, Command c) {
        PrintWriter w = new PrintWriter(ctx.out(), true);
        if (c == null) {
            w.println("usage: mote <command> [options]");
            w.println();
            w.println("Build signed firmware for small devices from a C app and run it under QEMU.");
            w.println();
            w.println("commands:");
            for (Command cmd : COMMANDS.values()) {
                w.printf("  %-9s %s%n", cmd.name(), cmd.summary());
            }
            w.printf("  %-9s %s%n", "flash", "write an image to a board: a flash file, an SD card or USB disk"
                    + " (the flasher module)");
            w.printf("  %-9s %s%n", "help", "show this, or 'mote help <command>'");
            w.println();
            w.println("examples:");
            w.println("  mote doctor");
            w.println("  mote build examples/hello -p qemu-virt-arm64 -o out/hello.img   # + out/hello.elf for gdb");
            w.println("  mote run out/hello.img                     # bootloader verifies, then the app runs");
            w.println("  mote flash out/hello.img --target out/board.flash");
            w.println("  mote keygen --out keys/fleet && mote sign out/hello.img --key keys/fleet.key");
            w.println("  mote verify out/hello.img --pub keys/fleet.pub -p qemu-virt-arm64");
            w.println();
            w.println("exit codes: 0 ok, 1 failed, 2 usage error; 'mote run' exits with the guest's code.");
            return EXIT_OK;
        }
        HelpFormatter f = HelpFormatter.builder().setShowSince(false).get();
        f.setWidth(100);
        f.printHelp(w, 100, c.usage(), c.summary() + "\n\noptions:", c.options(), 2, 2,
                "\nexamples:\n" + c.examples(), false);
        w.flush();
        return EXIT_OK;
    }

    /** For completeness in tests: every option of every command has a description. */
    static boolean documented() {
        return COMMANDS.values().stream().flatMap(c -> c.options().getOptions().stream())
                .map(Option::getDescription).allMatch(d -> d != null && !d.isBlank());
    }

    public static void main(String[] args) {
        System.exit(fromArgs(args).run());
    }
}
