package dev.mote.sdk.build;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app's own build settings: {@code mote.build} in the app directory, in the device profiles'
 * {@code key = value} format (one field per line, {@code #} comments, every field known, every
 * error naming the file and line). All of it is optional; without the file every .c file under
 * the app directory is compiled. Paths are relative to the app directory.
 *
 * <pre>
 * sources  = main.c src/*.c lib/**&#47;*.c   # globs; default: every .c file, subfolders too
 * exclude  = tools/**                       # globs never compiled (and not reported)
 * include  = include lib/json               # -I directories
 * defines  = LOG_LEVEL=2 USE_JSON           # -D definitions
 * cflags   = -O3 -Wshadow                   # more compiler flags, after the SDK's
 * libs     = vendor/libsensor.a             # prebuilt static libraries to link
 * werror   = true                           # warnings are errors (default false)
 * </pre>
 *
 * @param sources globs of the sources to compile; empty for all
 */
public record AppBuildFile(Path file, List<String> sources, List<String> exclude, List<String> include,
        List<String> defines, List<String> cflags, List<String> libs, Boolean werror) {
    public static final String NAME = "mote.build";
    static final List<String> FIELDS = List.of("sources", "exclude", "include", "defines", "cflags", "libs", "werror");

    public AppBuildFile {
        sources = List.copyOf(sources);
        exclude = List.copyOf(exclude);
        include = List.copyOf(include);
        defines = List.copyOf(defines);
        cflags = List.copyOf(cflags);
        libs = List.copyOf(libs);
    }

    /** No file: all defaults. */
    public static AppBuildFile none() {
        return new AppBuildFile(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null);
    }

    /** {@code appDir/mote.build}, or {@link #none()} if the app has none. */
    public static AppBuildFile read(Path appDir) throws IOException {
        Path file = appDir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return none();
        }
        return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Parses the text of {@code file}; MoteException naming file:line for any mistake. */
    public static AppBuildFile parse(Path file, List<String> lines) {
        Map<String, List<String>> v = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            int eq = content.indexOf('=');
            if (eq < 0) {
                throw error(file, i + 1, "expected 'key = value', got '" + content + "'");
            }
            String key = content.substring(0, eq).trim();
            String value = content.substring(eq + 1).trim();
            if (!FIELDS.contains(key)) {
                throw error(file, i + 1, "unknown field '" + key + "' (fields: " + String.join(", ", FIELDS) + ")");
            }
            if (value.isEmpty()) {
                throw error(file, i + 1, "field '" + key + "': empty value");
            }
            if (lineOf.containsKey(key)) {
                throw error(file, i + 1, "field '" + key + "': set twice (first on line " + lineOf.get(key) + ")");
            }
            lineOf.put(key, i + 1);
            v.put(key, Arrays.asList(value.split("\\s+")));
        }
        Boolean werror = null;
        if (v.containsKey("werror")) {
            String w = String.join(" ", v.get("werror"));
            if (!w.equals("true") && !w.equals("false")) {
                throw error(file, lineOf.get("werror"), "field 'werror': '" + w + "' is not true or false");
            }
            werror = w.equals("true");
        }
        for (String key : List.of("sources", "exclude", "include", "libs")) {
            for (String p : v.getOrDefault(key, List.of())) {
                if (p.startsWith("/") || Path.of(p).normalize().startsWith("..")) {
                    throw error(file, lineOf.get(key), "field '" + key + "': '" + p
                            + "' must be a path inside the app directory (relative, no ..)");
                }
            }
        }
        return new AppBuildFile(file, v.getOrDefault("sources", List.of()), v.getOrDefault("exclude", List.of()),
                v.getOrDefault("include", List.of()), v.getOrDefault("defines", List.of()),
                v.getOrDefault("cflags", List.of()), v.getOrDefault("libs", List.of()), werror);
    }

    private static MoteException error(Path file, int line, String what) {
        return new MoteException(file + ":" + line + ": " + what,
                "mote.build takes key = value lines: " + String.join(", ", FIELDS) + " (docs/device-api.md, \"Building an app\")");
    }
}
