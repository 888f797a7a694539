package dev.mote.flasher.cli;

import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.Dispatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The flasher's own entry point ({@code java -jar mote-flasher.jar [flash] ...}), with the
 * conventions of the `mote` command line (the SDK's {@link Dispatcher}). A leading "flash" is
 * optional, so `mote flash ...` can pass its arguments through unchanged.
 */
public final class Main {
    private static final FlashCommand COMMAND = new FlashCommand();
    private static final Dispatcher DISPATCHER = new Dispatcher("mote", List.of(COMMAND),
            w -> w.println("usage: " + COMMAND.usage() + "  (more: mote flash --help)"), Main::flashFirst);

    private Main() {
    }

    /** Parses {@code args}; nothing runs until {@code run()}. */
    public static Dispatcher.Parsed fromArgs(String[] args, Context ctx) {
        return DISPATCHER.parse(args, ctx);
    }

    /** "flash" first, added if missing; `flash help` is `flash --help`. */
    private static List<String> flashFirst(List<String> args) {
        List<String> rest = new ArrayList<>(args);
        if (rest.isEmpty() || !rest.get(0).equals(COMMAND.name())) {
            rest.add(0, COMMAND.name());
        }
        if (rest.equals(List.of(COMMAND.name(), "help"))) {
            rest.set(1, "--help");
        }
        return rest;
    }

    public static void main(String[] args) {
        DISPATCHER.main(args);
    }
}
