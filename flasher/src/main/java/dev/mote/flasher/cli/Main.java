package dev.mote.flasher.cli;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.cli.Context;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.ParseException;

/**
 * The flasher's own entry point ({@code java -jar mote-flasher.jar [flash] ...}), with the
 * conventions of the `mote` command line: {@code Main.fromArgs(args).run()}, where fromArgs only
 * parses; exit codes 0 ok, 1 failed, 2 usage. A leading "flash" is accepted, so `mote flash ...`
 * can pass its arguments through unchanged.
 */
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private static final FlashCommand COMMAND = new FlashCommand();
    private final Context ctx;
    private final FlashCommand.Invocation invocation;
    private final String usageError;

    private Main(Context ctx, FlashCommand.Invocation invocation, String usageError) {
        this.ctx = ctx;
        this.invocation = invocation;
        this.usageError = usageError;
    }

    public static Main fromArgs(String... args) {
        return fromArgs(args, Context.system());
    }

    /** Parses {@code args}; nothing runs until {@link #run()}. */
    public static Main fromArgs(String[] args, Context ctx) {
        List<String> rest = Arrays.asList(args);
        if (!rest.isEmpty() && rest.get(0).equals("flash")) {
            rest = rest.subList(1, rest.size());
        }
        if (rest.contains("--help") || rest.contains("-h") || rest.equals(List.of("help"))) {
            return new Main(ctx, Main::help, null);
        }
        try {
            CommandLine line = DefaultParser.builder().build().parse(COMMAND.options(), rest.toArray(new String[0]));
            return new Main(ctx, COMMAND.parse(line, line.getArgList()), null);
        } catch (ParseException | IllegalArgumentException e) {
            return new Main(ctx, null, e.getMessage());
        }
    }

    /** The parsed invocation, for tests; null if the arguments were unusable. */
    FlashCommand.Invocation invocation() {
        return invocation;
    }

    /** Runs the parsed command and returns the process exit code. */
    public int run() {
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
            return fail("flash: " + e.getMessage(), null);
        } catch (UncheckedIOException e) {
            return fail("flash: " + e.getCause().getMessage(), null);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    private int usage(String message) {
        ctx.err().println("mote: error: " + message);
        ctx.err().println("hint: usage: " + COMMAND.usage() + "  (more: mote flash --help)");
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

    private static int help(Context ctx) {
        PrintWriter w = new PrintWriter(ctx.out(), true);
        HelpFormatter f = HelpFormatter.builder().setShowSince(false).get();
        f.printHelp(w, 100, COMMAND.usage(), COMMAND.summary() + "\n\noptions:", COMMAND.options(), 2, 2,
                "\nexamples:\n" + COMMAND.examples(), false);
        w.flush();
        return EXIT_OK;
    }

    public static void main(String[] args) {
        System.exit(fromArgs(args).run());
    }
}
