package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;

/**
 * The conventions every Mote command line shares (`mote`, `mote flash`, `mote ota`): {@code
 * PROGRAM COMMAND [options]}, `help [COMMAND]` and `--help`, parsing before running
 * ({@code parse(args, ctx).run()}, as OkHttp's okcurl does {@code Main.fromArgs(args).run()}), and
 * the exit codes 0 ok, 1 failed, 2 usage, with errors as "mote: error: ..." plus a hint. Each
 * module's Main gives its commands, its overview text and how it reads its first words; this
 * class is the one place the rest lives, {@link #main} included.
 */
public final class Dispatcher {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private final String program;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Consumer<PrintWriter> overview;
    private final UnaryOperator<List<String>> leading;

    /**
     * @param program how users type it, e.g. "mote" or "mote ota"
     * @param overview writes `PROGRAM help`: usage, what it is, commands (see {@link #listCommands}), examples
     */
    public Dispatcher(String program, List<Command> commands, Consumer<PrintWriter> overview) {
        this(program, commands, overview, UnaryOperator.identity());
    }

    /**
     * @param leading rewrites the arguments before they are parsed, for a program whose first word
     *                is optional (`mote-ota.jar ota ...`, `mote-flasher.jar [flash] ...`)
     */
    public Dispatcher(String program, List<Command> commands, Consumer<PrintWriter> overview,
                      UnaryOperator<List<String>> leading) {
        this.program = program;
        for (Command c : commands) {
            this.commands.put(c.name(), c);
        }
        this.overview = overview;
        this.leading = leading;
    }

    /** A jar's entry point: parses {@code args}, runs the command and exits with its code. */
    public void main(String[] args) {
        System.exit(parse(args, Context.system()).run());
    }

    public Map<String, Command> commands() {
        return commands;
    }

    /** One line per command, "  name      summary", for overviews. */
    public void listCommands(PrintWriter w) {
        for (Command cmd : commands.values()) {
            w.printf("  %-9s %s%n", cmd.name(), cmd.summary());
        }
    }

    /**
     * The usual `PROGRAM help`, for a module's overview: usage, {@code about}, the commands, then
     * {@code more} ({name, summary} pairs: commands another module brings) and help, the
     * {@code examples} (lines, indented), and a {@code footer} (exit codes and the like).
     */
    public void overview(PrintWriter w, String about, List<String[]> more, String examples, String footer) {
        w.println("usage: " + program + " <command> [options]");
        w.println();
        w.println(about);
        w.println();
        w.println("commands:");
        listCommands(w);
        for (String[] c : more) {
            w.printf("  %-9s %s%n", c[0], c[1]);
        }
        w.printf("  %-9s %s%n", "help", "show this, or '" + program + " help <command>'");
        w.println();
        w.println("examples:");
        w.println(examples);
        w.println();
        w.println(footer);
    }

    /** Parses {@code args}; nothing runs until {@link Parsed#run()}. */
    public Parsed parse(String[] given, Context ctx) {
        String[] args = leading.apply(List.of(given)).toArray(new String[0]);
        if (args.length == 0) {
            return new Parsed(ctx, null, null, "missing command");
        }
        String name = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            Command about = rest.isEmpty() ? null : commands.get(rest.get(0));
            if (!rest.isEmpty() && about == null) {
                return new Parsed(ctx, null, null, "unknown command '" + rest.get(0) + "'");
            }
            return new Parsed(ctx, about, c -> help(c, about), null);
        }
        Command command = commands.get(name);
        if (command == null) {
            return new Parsed(ctx, null, null, "unknown command '" + name + "'");
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            return new Parsed(ctx, command, c -> help(c, command), null);
        }
        try {
            CommandLine line = DefaultParser.builder().build().parse(command.options(), rest.toArray(new String[0]));
            return new Parsed(ctx, command, command.parse(line, line.getArgList()), null);
        } catch (ParseException | IllegalArgumentException e) {
            return new Parsed(ctx, command, null, e.getMessage());
        }
    }

    /** Every option of every command has a description (for tests). */
    public boolean documented() {
        return commands.values().stream().flatMap(c -> c.options().getOptions().stream())
                .map(Option::getDescription).allMatch(d -> d != null && !d.isBlank());
    }

    private int help(Context ctx, Command c) {
        PrintWriter w = new PrintWriter(ctx.out(), true);
        if (c == null) {
            overview.accept(w);
            w.flush();
            return EXIT_OK;
        }
        HelpFormatter f = HelpFormatter.builder().setShowSince(false).get();
        f.setWidth(100);
        f.printHelp(w, 100, c.usage(), c.summary() + "\n\noptions:", c.options(), 2, 2,
                "\nexamples:\n" + c.examples(), false);
        w.flush();
        return EXIT_OK;
    }

    /** Parsed arguments: {@link #run()} does the work and returns the exit code. */
    public final class Parsed {
        private final Context ctx;
        private final Command command;
        private final Command.Invocation invocation;
        private final String usageError;

        private Parsed(Context ctx, Command command, Command.Invocation invocation, String usageError) {
            this.ctx = ctx;
            this.command = command;
            this.invocation = invocation;
            this.usageError = usageError;
        }

        /** The parsed command, for tests; null if the arguments were unusable. */
        public Command.Invocation invocation() {
            return invocation;
        }

        public int run() {
            String what = command == null ? program : command.name();
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
            ctx.err().println(command == null ? "hint: run '" + program + " help' for the commands"
                    : "hint: usage: " + command.usage() + "  (more: " + program + " " + command.name() + " --help)");
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
    }
}
