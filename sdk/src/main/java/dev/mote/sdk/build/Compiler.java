package dev.mote.sdk.build;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Tools;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles C (and assembly) sources with clang, in parallel. Each compiler's diagnostics are
 * captured and printed whole, in source order, exactly as clang wrote them (they carry
 * file:line:col), so parallel compiles never interleave their messages.
 */
final class Compiler {
    /** clang's words for an #include it cannot find. */
    private static final Pattern MISSING_HEADER = Pattern.compile("fatal error: '([^']+)' file not found");

    private final Path clang;
    private final List<String> flags;
    private final PrintStream diagnostics;
    private final boolean verbose;

    Compiler(Path clang, List<String> flags, PrintStream diagnostics, boolean verbose) {
        this.clang = clang;
        this.flags = List.copyOf(flags);
        this.diagnostics = diagnostics;
        this.verbose = verbose;
    }

    /** One translation unit: source in, object out, with flags of its own after the shared ones. */
    record Unit(Path source, Path object, List<String> extraFlags) {
    }

    /**
     * Compiles every unit using up to {@code jobs} processes; MoteException naming the sources
     * that failed, after all their diagnostics have been printed.
     */
    void compile(List<Unit> units, int jobs) throws IOException {
        int threads = Math.max(1, Math.min(units.size(),
                jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Tools.Result>> results = new ArrayList<>();
            for (Unit u : units) {
                List<String> cmd = command(u);
                if (verbose) {
                    diagnostics.println(String.join(" ", cmd));
                }
                results.add(pool.submit(() -> Tools.run(cmd)));
            }
            List<String> failed = new ArrayList<>();
            String missingHeader = null;
            int errors = 0;
            for (int i = 0; i < units.size(); i++) {
                Tools.Result r = get(results.get(i));
                diagnostics.print(r.output());
                diagnostics.flush();
                if (r.exit() != 0) {
                    failed.add(units.get(i).source().getFileName().toString());
                    errors += Math.max(1, count(r.output(), ": error: ") + count(r.output(), ": fatal error: "));
                    Matcher m = MISSING_HEADER.matcher(r.output());
                    if (missingHeader == null && m.find()) {
                        missingHeader = m.group(1);
                    }
                }
            }
            if (!failed.isEmpty()) {
                throw new MoteException("build failed: " + String.join(", ", failed) + " did not compile ("
                        + errors + " error" + (errors == 1 ? "" : "s") + ")", missingHeader == null
                        ? "fix the errors above (each starts with file:line:col)"
                        : "'" + missingHeader + "' is neither the app's own nor part of the app API: an app"
                        + " includes <mote.h>, the C library's headers (<stdio.h>, <string.h>, <math.h>...;"
                        + " docs/device-api.md) and its own (folders of its own go in mote.build's include"
                        + " or -I); the kernel's internal headers are not in the SDK");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> command(Unit u) {
        List<String> cmd = new ArrayList<>();
        cmd.add(clang.toString());
        cmd.addAll(flags);
        cmd.addAll(u.extraFlags());
        cmd.add("-c");
        cmd.add(u.source().toString());
        cmd.add("-o");
        cmd.add(u.object().toString());
        return cmd;
    }

    private static Tools.Result get(Future<Tools.Result> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compiling", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot run the compiler: " + e.getCause(), e.getCause());
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
