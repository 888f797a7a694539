package dev.mote.sdk.build;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which of an app's files are compiled. Without {@code sources} in mote.build: every .c file
 * under the app directory, in subfolders too (hidden folders such as .git and mote build's own
 * .mote are skipped). With it: exactly the files its globs match, and every other .c file is
 * named in a note, so a subfolder is never silently left out.
 *
 * @param compiled the sources to compile, relative to the app directory, sorted
 * @param skipped  .c files that mote.build's sources leave out (not excluded), for the note
 */
record AppSources(List<Path> compiled, List<Path> skipped) {
    static AppSources find(Path appDir, AppBuildFile build) throws IOException {
        if (!Files.isDirectory(appDir)) {
            throw new IllegalArgumentException("app directory '" + appDir + "' does not exist"
                    + (Files.exists(appDir) ? " (it is a file)" : ""));
        }
        List<Path> all = allC(appDir);
        List<PathMatcher> exclude = matchers(build.exclude());
        all.removeIf(p -> matches(exclude, p));
        List<Path> compiled = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        if (build.sources().isEmpty()) {
            compiled.addAll(all);
        } else {
            for (String glob : build.sources()) {
                PathMatcher m = matcher(glob);
                List<Path> hits = all.stream().filter(m::matches).toList();
                if (hits.isEmpty()) {
                    throw new IllegalArgumentException(build.file() + ": sources: '" + glob
                            + "' matches no .c file in " + appDir);
                }
                hits.stream().filter(p -> !compiled.contains(p)).forEach(compiled::add);
            }
            all.stream().filter(p -> !compiled.contains(p)).forEach(skipped::add);
        }
        if (compiled.isEmpty()) {
            throw new IllegalArgumentException("app directory '" + appDir
                    + "' has no .c files (an app is a directory with at least main.c defining app_main)");
        }
        return new AppSources(compiled.stream().sorted().toList(), skipped);
    }

    /** Every regular .c file under dir, relative, sorted; hidden folders skipped. */
    private static List<Path> allC(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile)
                    .map(dir::relativize)
                    .filter(p -> p.getFileName().toString().endsWith(".c"))
                    .filter(p -> {
                        for (Path part : p) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted().toList());
        }
    }

    private static PathMatcher matcher(String glob) {
        // "src/**.c" style globs; "**/" also matches no folder at all, as in most build tools
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        PathMatcher flat = glob.contains("**/") ? FileSystems.getDefault().getPathMatcher("glob:"
                + glob.replace("**/", "")) : null;
        return p -> m.matches(p) || (flat != null && flat.matches(p));
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        return globs.stream().map(AppSources::matcher).toList();
    }

    private static boolean matches(List<PathMatcher> ms, Path p) {
        return ms.stream().anyMatch(m -> m.matches(p));
    }
}
