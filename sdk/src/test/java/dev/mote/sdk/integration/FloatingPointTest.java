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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Floating point in apps on both boards: printf's %f %e %g %a against glibc's text, strtod and
 * sscanf's %f, newlib's libm, and a mean computed across a context switch (apps/float). Every
 * test here needs apps built with the FP registers (the kernel enables them and saves them on a
 * switch); with an SDK whose app flags still say -mgeneral-regs-only they are skipped, saying so.
 */
class FloatingPointTest {
    @TempDir
    Path tmp;

    static void assumeAppsHaveFp(String profile) throws IOException {
        List<String> flags = Fixtures.sdk().cflags(Fixtures.profile(profile).arch());
        Assumptions.assumeFalse(flags.contains("-mgeneral-regs-only"),
                "this SDK builds apps without FP registers (-mgeneral-regs-only): the kernel's FP support enables them");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void printfParsingAndMathWork(String profile) throws IOException {
        assumeAppsHaveFp(profile);
        Path app = Files.createDirectories(tmp.resolve("float"));
        Files.copy(Fixtures.repo().resolve("sdk/src/test/resources/apps/float/main.c"), app.resolve("main.c"));
        Path elf = tmp.resolve("float-" + profile + ".elf");
        BuildOptions werror = BuildOptions.defaults().withApp(List.of(), List.of(), List.of(), true);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(app, Fixtures.profile(profile), elf, werror);
        Qemu.Boot b = Qemu.boot(elf, Qemu.tcg());
        String c = b.console();
        assertTrue(c.contains("float: mean 21.875, sd 0.8385"), c);
        assertTrue(c.matches("(?s).*float: \\d+ checks, 0 failed.*"), c);
        assertEquals(0, b.result().guestExitCode(), c);
    }
}
