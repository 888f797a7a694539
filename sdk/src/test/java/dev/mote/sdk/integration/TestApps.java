package dev.mote.sdk.integration;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Builds the test apps of src/test/resources/apps, with defines choosing a scenario. */
final class TestApps {
    private TestApps() {
    }

    /** What a build printed (compiler diagnostics), for tests that expect it to fail. */
    record Built(Path elf, String diagnostics) {
    }

    static Path dir(String app) {
        return Fixtures.repo().resolve("sdk/src/test/resources/apps").resolve(app);
    }

    /** Builds {@code app} for {@code profile} with -D{@code defines}; the ELF goes to {@code outDir}. */
    static Path build(String app, String profile, Path outDir, String... defines) throws IOException {
        return buildCapturing(app, profile, outDir, defines).elf();
    }

    static Built buildCapturing(String app, String profile, Path outDir, String... defines) throws IOException {
        String tag = defines.length == 0 ? "" : "-" + String.join("-", defines).replaceAll("[^A-Za-z0-9]", "_");
        Path out = outDir.resolve(app + tag + "-" + profile + ".elf");
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(diag, true, StandardCharsets.UTF_8);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), ps).build(dir(app), Fixtures.profile(profile), out,
                new BuildOptions(List.of(defines), 0, false));
        return new Built(out, diag.toString(StandardCharsets.UTF_8));
    }

    /** The compiler's diagnostics and the error of a build that must fail. */
    static String buildFails(String app, String profile, Path outDir, String... defines) throws IOException {
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(diag, true, StandardCharsets.UTF_8);
        try {
            new BuildDriver(Fixtures.sdk(), Fixtures.tools(), ps).build(dir(app), Fixtures.profile(profile),
                    outDir.resolve(app + "-fails.elf"), new BuildOptions(List.of(defines), 0, false));
        } catch (MoteException e) {
            return diag.toString(StandardCharsets.UTF_8) + "\n" + e.getMessage();
        }
        throw new AssertionError(app + " built with " + List.of(defines) + ", but must not have");
    }

    /** Builds and boots {@code app} under QEMU (TCG, the tests' timeout). */
    static Qemu.Boot boot(String app, String profile, Path outDir, String... defines) throws IOException {
        return Qemu.boot(build(app, profile, outDir, defines), Qemu.tcg());
    }
}
