package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.Main;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
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
 * `mote run` as a user meets it: an image the bootloader refuses stops the run at once with the
 * reason and the fix (issue 12, bug 5), and firmware that never exits is stopped by --timeout
 * without being called hung (gap 12).
 */
class MoteRunTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int mote(String... args) {
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv(), tmp, false);
        return Main.fromArgs(args, ctx).run();
    }

    private Path build(String name, String mainC, String profile, SigningKey key) throws IOException {
        Path app = Files.createDirectories(tmp.resolve(name));
        Files.writeString(app.resolve("main.c"), mainC);
        Path img = tmp.resolve("out/" + name + "-" + profile + ".img");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(app, Fixtures.profile(profile), img,
                new BuildOptions(List.of(), 0, false, key, Version.ZERO, 0));
        return img;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aRefusedImageStopsTheRunAtOnceWithTheReasonAndTheFix(String profile) throws IOException {
        Path img = build("stranger", "#include <mote.h>\nint app_main(void) { return 0; }\n", profile,
                SigningKey.generate());
        long start = System.nanoTime();
        int code = mote("run", img.toString(), "--timeout", "120");
        long ms = (System.nanoTime() - start) / 1_000_000;
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, e);
        assertTrue(e.contains("the bootloader refused every slot, so nothing will boot: slot A refused: unknown key id"),
                e);
        assertTrue(e.contains("--pub"), e);
        assertFalse(e.contains("may be hung"), e);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("[boot] no bootable image: recovery mode"));
        assertTrue(ms < 60_000, "stopped after " + ms + " ms, not at the timeout");
        assertNoQemuLeft(img);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void firmwareStillRunningAtTheTimeoutIsStoppedNotCalledHung(String profile) throws IOException {
        Path img = build("forever", String.join("\n", "#include <mote.h>",
                "int app_main(void) { printf(\"working\\n\"); for (;;) mote_sleep_ms(100); }", ""), profile, null);
        int code = mote("run", img.toString(), "--timeout", "8");
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(124, code, e);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("working"), out.toString(StandardCharsets.UTF_8));
        assertTrue(e.contains("mote: stopped after 8 s (--timeout): the firmware was still running"), e);
        assertFalse(e.contains("error"), e);
        assertNoQemuLeft(img);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void anAppInItsOwnRepositoryBuildsAndRunsWithoutAKeyInTheRepository(String profile) throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("blink"));
        Files.createDirectories(repo.resolve(".git"));
        Files.writeString(repo.resolve("main.c"), "#include <mote.h>\nint app_main(void) { puts(\"blink ok\");"
                + " return 0; }\n");
        Path img = tmp.resolve("elsewhere/blink.img");
        assertEquals(0, mote("build", repo.toString(), "-p", profile, "-o", img.toString()),
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(repo.resolve(".mote")), "no key written into the app's repository");
        int code = mote("run", img.toString(), "--timeout", "120");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("blink ok"), out.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoQemuLeft(Path img) {
        List<ProcessHandle> left = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("qemu-system")).toList();
        assertEquals(List.of(), left, "QEMU left behind for " + img);
    }
}
