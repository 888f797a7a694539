package dev.mote.sdk.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds profiles by name in an ordered list of directories (the first one that has
 * {@code NAME.profile} wins), or reads one given by path. The standard order is: the directories
 * in MOTE_PROFILE_PATH, or else the nearest {@code device-profiles/} above the working
 * directory; then the profiles packaged in the SDK.
 */
public final class ProfileRegistry {
    private final List<Path> dirs;
    private final Path cwd;

    public ProfileRegistry(List<Path> dirs, Path cwd) {
        this.dirs = List.copyOf(dirs);
        this.cwd = cwd.toAbsolutePath().normalize();
    }

    /** The standard search order for a user working in {@code cwd}. */
    public static ProfileRegistry standard(Path packaged, Map<String, String> env, Path cwd) {
        List<Path> dirs = new ArrayList<>();
        String path = env.get("MOTE_PROFILE_PATH");
        if (path != null && !path.isBlank()) {
            for (String d : path.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(cwd.resolve(d));
                }
            }
        } else {
            for (Path d = cwd.toAbsolutePath(); d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("device-profiles"))) {
                    dirs.add(d.resolve("device-profiles"));
                    break;
                }
            }
        }
        dirs.add(packaged);
        return new ProfileRegistry(dirs, cwd);
    }

    /**
     * The profile {@code name} as packaged in the SDK on the class path (mote-sdk/profiles/),
     * read without extracting the SDK; null when there is none. For a component that meets
     * profile names in images rather than from a user (the OTA server).
     */
    public static Profile packaged(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
            return null;
        }
        String resource = "mote-sdk/profiles/" + name + ".profile";
        try (InputStream in = ProfileRegistry.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return ProfileParser.parse(resource, Path.of(name + ".profile"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The directories searched, in order. */
    public List<Path> dirs() {
        return dirs;
    }

    /**
     * The profile {@code nameOrPath} names: a path if it ends in .profile or contains a '/',
     * else a name. IllegalArgumentException if there is no such profile.
     */
    public Profile resolve(String nameOrPath) throws IOException {
        if (nameOrPath.endsWith(".profile") || nameOrPath.contains("/")) {
            Path file = cwd.resolve(nameOrPath);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("profile file '" + nameOrPath + "' does not exist");
            }
            return ProfileParser.parse(file, display(file));
        }
        for (Path dir : dirs) {
            Path file = dir.resolve(nameOrPath + ".profile");
            if (Files.isRegularFile(file)) {
                return ProfileParser.parse(file, display(file));
            }
        }
        throw new IllegalArgumentException("unknown profile '" + nameOrPath + "' (available: "
                + String.join(", ", names()) + ")");
    }

    /** The names of all profiles found, sorted, without reading them. */
    public List<String> names() throws IOException {
        return new ArrayList<>(files().keySet());
    }

    /** Every profile found, sorted by name; a name in an earlier directory hides later ones. */
    public List<Profile> all() throws IOException {
        List<Profile> result = new ArrayList<>();
        for (Path file : files().values()) {
            result.add(ProfileParser.parse(file, display(file)));
        }
        return result;
    }

    private Map<String, Path> files() throws IOException {
        Map<String, Path> found = new LinkedHashMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.sorted().toList()) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".profile")) {
                        found.putIfAbsent(n.substring(0, n.length() - ".profile".length()), f);
                    }
                }
            }
        }
        Map<String, Path> sorted = new LinkedHashMap<>();
        found.keySet().stream().sorted().forEach(k -> sorted.put(k, found.get(k)));
        return sorted;
    }

    /** A path relative to the working directory when it is below it: shorter errors. */
    private String display(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
