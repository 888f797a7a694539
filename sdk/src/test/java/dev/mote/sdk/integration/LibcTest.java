package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C library on the device: every integer function called by apps/libc (its checks print
 * FAIL lines), and jsmn, a third-party JSON parser from Debian's libjsmn-dev, compiled
 * unchanged beside it, with warnings as errors. Floating point: FloatingPointTest.
 */
class LibcTest {
    static final Path JSMN = Path.of("/usr/include/jsmn.h");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void everyFunctionWorksAndAThirdPartyParserCompilesUnchanged(String profile) throws IOException {
        assertTrue(Files.isRegularFile(JSMN), JSMN + " is missing: scripts/setup.sh installs libjsmn-dev");
        Path app = Files.createDirectories(tmp.resolve("libc"));
        Path src = Fixtures.repo().resolve("sdk/src/test/resources/apps/libc");
        for (String f : List.of("main.c", "json.c")) {
            Files.copy(src.resolve(f), app.resolve(f));
        }
        Files.copy(JSMN, app.resolve("jsmn.h"));   // as a vendored library would sit in an app
        Path elf = tmp.resolve("libc-" + profile + ".elf");
        BuildOptions werror = BuildOptions.defaults().withApp(List.of(), List.of(), List.of(), true);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(app, Fixtures.profile(profile), elf, werror);
        Qemu.Boot b = Qemu.boot(elf, Qemu.tcg());
        String c = b.console();
        assertTrue(c.contains("json: 14 tokens, device mote-7, sum 403"), c);
        assertTrue(c.matches("(?s).*libc: \\d+ checks, 0 failed.*"), c);
        assertTrue(c.contains("libc: stderr is the console"), c);
        assertEquals(0, b.result().guestExitCode(), c);
    }
}
