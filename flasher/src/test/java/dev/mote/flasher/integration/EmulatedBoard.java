package dev.mote.flasher.integration;

import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A board under QEMU, booted by the SDK's BootChain from a flash file and trusting
 * {@link TestKeys#trusted()}; {@link #powerOff()} kills this board's QEMU (found by its flash file
 * among this JVM's child processes), so a board left waiting in recovery does not outlive a test.
 */
final class EmulatedBoard implements AutoCloseable {
    static final Path UPDATE_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/update");
    static final Path CACHE = Fixtures.repo().resolve("flasher/target/test-bootloaders");

    private final Path flash;
    final CompletableFuture<Integer> exit;

    private EmulatedBoard(Path flash, CompletableFuture<Integer> exit) {
        this.flash = flash;
        this.exit = exit;
    }

    /** Powers the board on with these options (a timeout, and where the serial console goes). */
    static EmulatedBoard powerOn(Path flash, Profile p, RunOptions o) {
        return new EmulatedBoard(flash, CompletableFuture.supplyAsync(() -> {
            try {
                return new BootChain(Sdk.locate(System.getenv()), new Tools(System.getenv()), quiet(), CACHE)
                        .run(flash, p, TestKeys.trusted(), o.withAccel(RunOptions.Accel.TCG), new ByteArrayOutputStream())
                        .guestExitCode();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    /** The update sample app built for {@code p}, signed with {@code key}. */
    static Path build(Path dir, Profile p, String version, long counter, SigningKey key) throws IOException {
        Path out = dir.resolve("update-" + version + "-" + p.name() + ".img");
        BuildOptions o = new BuildOptions(List.of(), 0, false, key, Version.parse("version", version), counter);
        new BuildDriver(Sdk.locate(System.getenv()), new Tools(System.getenv()), quiet()).build(UPDATE_APP, p, out, o);
        return out;
    }

    static RunOptions options(Duration timeout) {
        return RunOptions.defaults().withTimeout(timeout);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Kills this board's QEMU, if it still runs. */
    void powerOff() {
        powerOff(flash);
    }

    /**
     * Kills the QEMU of this JVM that boots {@code flash}, if it still runs: a board left waiting
     * in recovery mode would otherwise outlive the test run (cancelling its future does not stop it).
     */
    static void powerOff(Path flash) {
        String file = flash.toAbsolutePath().toString();
        ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains(file)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        powerOff();
    }
}
