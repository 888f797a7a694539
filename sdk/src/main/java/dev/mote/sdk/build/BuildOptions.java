package dev.mote.sdk.build;

import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import java.nio.file.Path;
import java.util.List;

/**
 * How to build, beyond the app, profile and output. The app's mote.build (AppBuildFile) adds
 * to the lists and may turn werror on.
 *
 * @param defines         preprocessor definitions for the app's sources, NAME or NAME=VALUE (-D)
 * @param jobs            parallel compiler processes; 0 means one per CPU
 * @param verbose         print every tool command before running it
 * @param key             signs the image; null means the user's development key (with a warning)
 * @param version         the app version in the image header
 * @param securityCounter the anti-rollback counter in the image header
 * @param includes        more -I directories for the app's sources
 * @param cflags          more compiler flags for the app's sources, after the SDK's
 * @param libs            prebuilt static libraries (.a) to link with the app
 * @param werror          the app's warnings are errors (default: reported, not fatal)
 */
public record BuildOptions(List<String> defines, int jobs, boolean verbose, SigningKey key, Version version,
        long securityCounter, List<Path> includes, List<String> cflags, List<Path> libs, boolean werror) {
    public BuildOptions {
        defines = List.copyOf(defines);
        includes = List.copyOf(includes);
        cflags = List.copyOf(cflags);
        libs = List.copyOf(libs);
        if (jobs < 0) {
            throw new IllegalArgumentException("jobs: must be >= 0, got " + jobs);
        }
        if (version == null) {
            throw new IllegalArgumentException("version: required (Version.ZERO for 0.0.0)");
        }
        if (securityCounter < 0 || securityCounter > 0xffff_ffffL) {
            throw new IllegalArgumentException("security counter: must be 0..4294967295, got " + securityCounter);
        }
    }

    /** No extra includes, flags or libraries; warnings not fatal. */
    public BuildOptions(List<String> defines, int jobs, boolean verbose, SigningKey key, Version version,
            long securityCounter) {
        this(defines, jobs, verbose, key, version, securityCounter, List.of(), List.of(), List.of(), false);
    }

    /** Signed with the development key, version 0.0.0, security counter 0. */
    public BuildOptions(List<String> defines, int jobs, boolean verbose) {
        this(defines, jobs, verbose, null, Version.ZERO, 0);
    }

    /** No defines, one job per CPU, quiet, development key. */
    public static BuildOptions defaults() {
        return new BuildOptions(List.of(), 0, false);
    }

    /** The same options, signing with {@code signingKey}. */
    public BuildOptions withKey(SigningKey signingKey) {
        return new BuildOptions(defines, jobs, verbose, signingKey, version, securityCounter, includes, cflags, libs,
                werror);
    }

    /** The same options with these include directories, compiler flags, libraries and -Werror choice. */
    public BuildOptions withApp(List<Path> moreIncludes, List<String> moreCflags, List<Path> moreLibs,
            boolean warningsAreErrors) {
        return new BuildOptions(defines, jobs, verbose, key, version, securityCounter, moreIncludes, moreCflags,
                moreLibs, warningsAreErrors);
    }
}
