package dev.mote.sdk.cli;

import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One `mote` subcommand: its options and help, and how its parsed arguments become an
 * {@link Invocation}. Parsing never does the work, so tests can check it without a toolchain.
 */
public interface Command {
    String name();

    /** One line for `mote help`. */
    String summary();

    /** The usage line after "usage: ", e.g. "mote build <app-dir> -p <profile> [-o <out>]". */
    String usage();

    /** Pasteable examples for --help. */
    String examples();

    Options options();

    /** IllegalArgumentException naming the argument if the arguments are unusable. */
    Invocation parse(CommandLine line, List<String> positional);

    /** Parsed arguments, ready to run. */
    interface Invocation {
        /** Does the work; returns the exit code. */
        int execute(Context ctx) throws IOException;
    }
}
