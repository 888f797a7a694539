package dev.mote.sdk;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the host tools Mote drives (clang, ld.lld, llvm-objcopy, QEMU, gdb) and runs the
 * short-lived ones. Debian installs some LLVM tools only with a version suffix
 * (llvm-objcopy-14) or under /usr/lib/llvm-N/bin, so those places are searched after PATH.
 */
public final class Tools {
    /** What a user should install to get each tool, for error hints and `mote doctor`. */
    public static final Map<String, String> PACKAGES = Map.of(
            "clang", "clang",
            "ld.lld", "lld",
            "llvm-objcopy", "llvm",
            "qemu-system-aarch64", "qemu-system-arm",
            "qemu-system-x86_64", "qemu-system-x86",
            "gdb-multiarch", "gdb-multiarch",
            "make", "make");

    private final List<Path> path;

    public Tools(Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        String p = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String d : p.split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                dirs.add(Path.of(d));
            }
        }
        this.path = dirs;
    }

    /** The tool's executable, or null if it is not installed. */
    public Path find(String name) {
        for (Path dir : path) {
            Path candidate = dir.resolve(name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        List<Path> versioned = new ArrayList<>();
        for (Path dir : path) {
            versioned.addAll(glob(dir, name + "-[0-9]*"));
        }
        for (Path llvm : glob(Path.of("/usr/lib"), "llvm-*")) {
            versioned.add(llvm.resolve("bin").resolve(name));
        }
        versioned.removeIf(c -> !Files.isExecutable(c) || Files.isDirectory(c));
        return versioned.stream().max(Comparator.comparing(Path::toString)).orElse(null);
    }

    /** The tool's executable; MoteException naming it and how to install it if missing. */
    public Path require(String name) {
        Path p = find(name);
        if (p == null) {
            String pkg = PACKAGES.getOrDefault(name, name);
            String hint = name.equals("clang") || name.equals("ld.lld")
                    ? "run scripts/setup.sh (or: apt-get install clang lld)"
                    : "run scripts/setup.sh (or: apt-get install " + pkg + ")";
            throw new MoteException(name + " not found: it is needed and is not on PATH", hint);
        }
        return p;
    }

    private static List<Path> glob(Path dir, String pattern) {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, pattern)) {
                ds.forEach(found::add);
            } catch (IOException e) {
                return found; // an unreadable PATH entry just holds no tools
            }
        }
        return found;
    }

    /** Exit status and combined stdout+stderr of a finished command. */
    public record Result(int exit, String output) {
    }

    /** Runs {@code command} to completion, capturing its output (stderr merged into stdout). */
    public static Result run(List<String> command) throws IOException {
        return run(command, null);
    }

    /** Like {@link #run(List)}, in directory {@code cwd} (null: this process's). */
    public static Result run(List<String> command, Path cwd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        try {
            return new Result(p.waitFor(), out.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }
}
