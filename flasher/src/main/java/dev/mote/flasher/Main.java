package dev.mote.flasher;

import java.io.PrintStream;

/**
 * Entry point of the flasher ({@code mote flash}). Writing images to boards is not implemented
 * yet, so every invocation prints what is planned and exits with the usage code.
 */
public final class Main {
    static final int EXIT_USAGE = 2;
    static final String USAGE = String.join("\n",
            "usage: mote-flasher <image> --target <target>   (not implemented yet (see issues))",
            "",
            "Planned: write a signed image to a board over USB (block device, USB serial) or the",
            "network, verifying it before writing and reading it back after.",
            "  targets: /dev/sdX, serial:/dev/ttyACM0, tcp:HOST:PORT");

    private final String[] args;
    private final PrintStream err;

    private Main(String[] args, PrintStream err) {
        this.args = args.clone();
        this.err = err;
    }

    /** A flasher invocation for these command-line arguments, reporting on {@code err}. */
    public static Main fromArgs(String[] args, PrintStream err) {
        return new Main(args, err);
    }

    /** Runs the invocation; returns the process exit code. */
    public int run() {
        err.println(USAGE);
        if (args.length > 0) {
            err.println("mote-flasher: error: nothing can be flashed yet (got " + args.length
                    + " argument" + (args.length == 1 ? "" : "s") + ")");
        }
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        System.exit(fromArgs(args, System.err).run());
    }
}
