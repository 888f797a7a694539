package dev.mote.sdk.build;

import java.util.List;

/**
 * How to build, beyond the app, profile and output.
 *
 * @param defines preprocessor definitions for the app's sources, NAME or NAME=VALUE (-D)
 * @param jobs    parallel compiler processes; 0 means one per CPU
 * @param verbose print every tool command before running it
 */
public record BuildOptions(List<String> defines, int jobs, boolean verbose) {
    public BuildOptions {
        defines = List.copyOf(defines);
        if (jobs < 0) {
            throw new IllegalArgumentException("jobs: must be >= 0, got " + jobs);
        }
    }

    /** No defines, one job per CPU, quiet. */
    public static BuildOptions defaults() {
        return new BuildOptions(List.of(), 0, false);
    }
}
