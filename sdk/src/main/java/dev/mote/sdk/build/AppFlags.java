package dev.mote.sdk.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiler flags and libraries of an app's own code, from `mote build`'s options and the
 * app's mote.build.
 *
 * Warning policy (docs/device-api.md, "Building an app"): the kernel is built with -Wall -Wextra
 * -Werror; an app gets -Wall -Wextra without -Werror, so a warning is reported and the build goes
 * on, and without -Wunused-parameter, since callbacks (timers, threads) often ignore their
 * arguments. {@code --werror} or {@code werror = true} in mote.build make warnings errors.
 */
final class AppFlags {
    private AppFlags() {
    }

    /** The SDK's flags (the kernel's) with the app warning policy applied. */
    static List<String> warnings(List<String> sdkFlags, boolean werror) {
        List<String> flags = new ArrayList<>(sdkFlags);
        flags.remove("-Werror");
        flags.add("-Wno-unused-parameter");
        if (werror) {
            flags.add("-Werror");
        }
        return flags;
    }

    /** -iquote for the app directory, -I, -D and extra flags for the app's sources. */
    static List<String> forSources(Path appDir, AppBuildFile build, BuildOptions options) {
        List<String> flags = new ArrayList<>();
        // "#include "util/log.h"" works from any subfolder, as from the top
        flags.add("-iquote" + appDir.toAbsolutePath().normalize());
        for (String dir : build.include()) {
            flags.add("-I" + existing(appDir.resolve(dir), build.file() + ": include: '" + dir + "'", true));
        }
        for (Path dir : options.includes()) {
            flags.add("-I" + existing(dir, "--include '" + dir + "'", true));
        }
        build.defines().forEach(d -> flags.add("-D" + d));
        options.defines().forEach(d -> flags.add("-D" + d));
        flags.addAll(build.cflags());
        flags.addAll(options.cflags());
        return flags;
    }

    /** The app's static libraries: mote.build's libs, then --lib's. */
    static List<Path> libraries(Path appDir, AppBuildFile build, BuildOptions options) {
        List<Path> libs = new ArrayList<>();
        for (String lib : build.libs()) {
            libs.add(existing(appDir.resolve(lib), build.file() + ": libs: '" + lib + "'", false));
        }
        for (Path lib : options.libs()) {
            libs.add(existing(lib, "--lib '" + lib + "'", false));
        }
        return libs;
    }

    private static Path existing(Path p, String what, boolean dir) {
        Path abs = p.toAbsolutePath().normalize();
        if (dir ? !Files.isDirectory(abs) : !Files.isRegularFile(abs)) {
            throw new IllegalArgumentException(what + ": " + abs + " is not " + (dir ? "a directory" : "a file"));
        }
        return abs;
    }
}
