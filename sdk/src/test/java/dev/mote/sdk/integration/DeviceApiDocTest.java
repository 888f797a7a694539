package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples of docs/device-api.md marked {@code <!-- run: NAME -->} (the C block after the
 * marker defines {@code int NAME(void)}) or {@code <!-- compile -->}: each block becomes a file
 * of one app, which calls every run example in order and is booted through the bootloader from
 * a flash on both boards; every example must return 0. So the documentation of the calls
 * cannot drift from what the kernel does.
 */
class DeviceApiDocTest {
    private static final Pattern BLOCK = Pattern.compile(
            "<!-- (?:run: (\\w+)|compile) -->\\s*```c\\n(.*?)```", Pattern.DOTALL);
    static final SigningKey KEY = SigningKey.generate();
    static final Path CACHE = Fixtures.repo().resolve("sdk/target/test-bootloaders");

    @TempDir
    Path tmp;

    record Example(String name, String code) {
    }

    static List<Example> examples() throws IOException {
        String doc = Files.readString(Fixtures.repo().resolve("docs/device-api.md"));
        List<Example> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            out.add(new Example(m.group(1), m.group(2)));
        }
        return out;
    }

    /** One file per example, and a main.c that runs the run examples in document order. */
    private Path app(List<Example> examples) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("doc-examples"));
        StringBuilder decls = new StringBuilder();
        StringBuilder calls = new StringBuilder();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            Files.writeString(dir.resolve(String.format("example%02d.c", i)), e.code());
            if (e.name() != null) {
                decls.append("int ").append(e.name()).append("(void);\n");
                calls.append("    r = ").append(e.name()).append("();\n")
                        .append("    printf(\"example ").append(e.name()).append(": %d\\n\", r);\n")
                        .append("    failed += r != 0;\n");
            }
        }
        Files.writeString(dir.resolve("main.c"), "#include <mote.h>\n\n" + decls
                + "\nint app_main(void)\n{\n    int r, failed = 0;\n" + calls
                + "    printf(\"examples: %d failed\\n\", failed);\n    return failed;\n}\n");
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void everyMarkedExampleCompilesAndRuns(String profile) throws IOException {
        List<Example> examples = examples();
        assertTrue(examples.stream().filter(e -> e.name() != null).count() >= 6, "the markers went missing");
        Path img = tmp.resolve("doc-examples-" + profile + ".img");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(app(examples), Fixtures.profile(profile), img,
                new BuildOptions(List.of(), 0, false, KEY, Version.ZERO, 0));
        Path flash = tmp.resolve("flash-" + profile + ".bin");
        FlashImage.forProfile(Fixtures.profile(profile)).withImage(Slot.A, img)
                .withBootState(new BootState(1, Slot.A, Slot.NONE, 0, Slot.A, 0)).write(flash);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunResult r = new BootChain(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8), CACHE).run(flash, Fixtures.profile(profile),
                List.of(KEY.publicKey()), Qemu.tcg(), console);
        String c = console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
        for (Example e : examples) {
            if (e.name() != null) {
                assertTrue(c.contains("example " + e.name() + ": 0\n"), e.name() + "\n" + c);
            }
        }
        assertTrue(c.contains("examples: 0 failed"), c);
        assertEquals(0, r.guestExitCode(), c);
    }
}
