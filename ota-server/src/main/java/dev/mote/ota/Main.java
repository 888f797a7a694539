package dev.mote.ota;

import java.io.PrintStream;

/**
 * Entry point of the OTA server ({@code mote ota}). Fleet updates are not implemented yet, so
 * every invocation prints what is planned and exits with the usage code.
 */
public final class Main {
    static final int EXIT_USAGE = 2;
    static final String USAGE = String.join("\n",
            "usage: mote-ota <serve|upload|rollout> ...   (not implemented yet (see issues))",
            "",
            "Planned: a fleet registry with rollouts, streaming signed images to devices over MQTT",
            "(embedded broker by default, or an external one by URL), with a REST API.",
            "  mote ota serve",
            "  mote ota upload out/hello.img",
            "  mote ota rollout --group lab --image hello");

    private final String[] args;
    private final PrintStream err;

    private Main(String[] args, PrintStream err) {
        this.args = args.clone();
        this.err = err;
    }

    /** An OTA server invocation for these command-line arguments, reporting on {@code err}. */
    public static Main fromArgs(String[] args, PrintStream err) {
        return new Main(args, err);
    }

    /** Runs the invocation; returns the process exit code. */
    public int run() {
        err.println(USAGE);
        if (args.length > 0) {
            err.println("mote-ota: error: unknown command '" + args[0] + "' (nothing is implemented yet)");
        }
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        System.exit(fromArgs(args, System.err).run());
    }
}
