package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every C sample in README.md and docs/*.md compiles and links as an app, on both
 * architectures, with warnings as errors. A fence is either
 * <ul>
 * <li>{@code ```c} a whole app (it defines app_main, or is a whole file a library would hold);
 * <li>{@code ```c fragment} statements, compiled as the body of app_main after the C library's
 *     headers, mote.h and the network's headers, with file-scope declarations they need from an HTML comment on the
 *     line just above the fence: {@code <!-- context: static int t = 2150; -->};
 * <li>either with {@code fp} added ({@code ```c fp}, {@code ```c fragment fp}): it uses floating
 *     point, so it is compiled only where the SDK builds apps with the FP registers.
 * </ul>
 * A fence with any other word after "c" fails here, so no sample is skipped by accident.
 */
class DocSamplesTest {
    static final String PRELUDE = String.join("\n", "#include <mote.h>", "#include <ctype.h>", "#include <errno.h>",
            "#include <inttypes.h>", "#include <limits.h>", "#include <math.h>", "#include <stdio.h>",
            "#include <stdlib.h>", "#include <string.h>", "#include <mote/net.h>", "#include <mote/mqtt.h>",
            "#include <mote/ota.h>", "#include <sys/socket.h>", "#include <netinet/in.h>", "#include <arpa/inet.h>",
            "#include <netdb.h>", "#include <unistd.h>", "");

    @TempDir
    Path tmp;

    record Sample(Path file, int line, boolean fragment, boolean fp, String context, String code) {
        String where() {
            return Fixtures.repo().relativize(file) + ":" + line;
        }

        /** The sample as one main.c. */
        String source() {
            if (!fragment) {
                return code.contains("app_main") ? code : code + "\nint app_main(void) { return 0; }\n";
            }
            String body = code.lines().map(l -> l.isEmpty() ? l : "    " + l).reduce("", (a, b) -> a + b + "\n");
            return PRELUDE + context + "\n\nint app_main(void)\n{\n" + body + "    return 0;\n}\n";
        }
    }

    /** Every ```c fence of README.md and docs/*.md, in order. */
    static List<Sample> samples() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Fixtures.repo().resolve("README.md")));
        try (Stream<Path> s = Files.list(Fixtures.repo().resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Sample> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String fence = lines.get(i).strip();
                if (!fence.equals("```c") && !fence.startsWith("```c ")) {
                    continue;
                }
                List<String> kind = List.of(fence.substring(4).strip().split("\\s+"));
                if (!List.of("fragment", "fp", "").containsAll(kind)) {
                    throw new AssertionError(f + ":" + (i + 1) + ": a C sample is ```c (a whole app) or ```c fragment,"
                            + " optionally with fp, not '" + fence + "'");
                }
                String context = "";
                String above = i > 0 ? lines.get(i - 1).strip() : "";
                if (above.startsWith("<!-- context:") && above.endsWith("-->")) {
                    context = above.substring("<!-- context:".length(), above.length() - 3).strip();
                }
                StringBuilder code = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    code.append(lines.get(i)).append('\n');
                }
                out.add(new Sample(f, start, kind.contains("fragment"), kind.contains("fp"), context, code.toString()));
            }
        }
        return out;
    }

    @Test
    void theDocsHaveSamples() throws IOException {
        List<Sample> s = samples();
        assertTrue(s.size() >= 12, "found only " + s.size() + " samples");
        assertTrue(s.stream().anyMatch(x -> x.code().contains("mote_timer_start")), "the timer sample is one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void everySampleCompilesWithWarningsAsErrors(String profile) throws IOException {
        List<String> failed = new ArrayList<>();
        int n = 0;
        boolean fp = !Fixtures.sdk().cflags(Fixtures.profile(profile).arch()).contains("-mgeneral-regs-only");
        for (Sample s : samples()) {
            if (s.fp() && !fp) {
                continue;   // this SDK builds apps without FP registers (FloatingPointTest says so too)
            }
            Path app = Files.createDirectories(tmp.resolve(profile + "/sample" + n++));
            Files.writeString(app.resolve("main.c"), s.source(), StandardCharsets.UTF_8);
            ByteArrayOutputStream diag = new ByteArrayOutputStream();
            BuildOptions werror = BuildOptions.defaults().withApp(List.of(), List.of(), List.of(), true);
            try {
                new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(diag, true, StandardCharsets.UTF_8))
                        .build(app, Fixtures.profile(profile), app.resolve("out/s.elf"), werror);
            } catch (RuntimeException e) {
                failed.add(s.where() + ": " + e.getMessage() + "\n" + diag.toString(StandardCharsets.UTF_8)
                        .lines().filter(l -> l.contains("error")).limit(5).reduce("", (a, b) -> a + "    " + b + "\n"));
            }
        }
        assertEquals(List.of(), failed, "samples that do not compile on " + profile
                + " (a fragment needs ```c fragment and maybe <!-- context: ... --> above it)");
    }
}
