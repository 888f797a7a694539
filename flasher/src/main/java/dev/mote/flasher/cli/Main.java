package dev.mote.flasher.cli;

import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.Dispatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The flasher's own entry point ({@code java -jar mote-flasher.jar [flash] ...}), with the
 * conventions of the `mote` command line (the SDK's {@link Dispatcher}): fromArgs only parses;
 * exit codes 0 ok, 1 failed, 2 usage. A leading "flash" is optional, so `mote flash ...` can
 * pass its arguments through unchanged.
 */
public final class Main {
    public static final int EXIT_OK = Dispatcher.EXIT_OK;
    public static final int EXIT_FAILED = Dispatcher.EXIT_FAILED;
    public static final int EXIT_USAGE = Dispatcher.EXIT_USAGE;

    private static final FlashCommand COMMAND = new FlashCommand();
    private static final Dispatcher DISPATCHER = new Dispatcher("mote", List.of(COMMAND),
            w -> w.println("usage: " + COMMAND.usage() + "  (more: mote flash --help)"));
    private final Dispatcher.Parsed parsed;

    private Main(Dispatcher.Parsed parsed) {
        this.parsed = parsed;
    }

    public static Main fromArgs(String... args) {
        return fromArgs(args, Context.system());
    }

    /** Parses {@code args}; nothing runs until {@link #run()}. */
    public static Main fromArgs(String[] args, Context ctx) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (rest.isEmpty() || !rest.get(0).equals(COMMAND.name())) {
            rest.add(0, COMMAND.name());
        }
        if (rest.equals(List.of(COMMAND.name(), "help"))) {
            rest.set(1, "--help");
        }
        return new Main(DISPATCHER.parse(rest.toArray(new String[0]), ctx));
    }

    /** The parsed invocation, for tests; null if the arguments were unusable. */
    Command.Invocation invocation() {
        return parsed.invocation();
    }

    /** Runs the parsed command and returns the process exit code. */
    public int run() {
        return parsed.run();
    }

    public static void main(String[] args) {
        System.exit(fromArgs(args).run());
    }
}
