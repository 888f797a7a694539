package dev.mote.sdk.integration;

import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A device booted under QEMU in the background, so a test can talk to it over the network while
 * it runs: its console is readable at any time, {@link #awaitConsole} waits for a line, and
 * {@link #close} kills its QEMU (found by the ELF's path among this JVM's child processes) if it
 * has not exited by then.
 */
final class NetDevice implements AutoCloseable {
    private final Path elf;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ByteArrayOutputStream messages = new ByteArrayOutputStream();
    private final CompletableFuture<RunResult> run;

    private NetDevice(Path elf, RunOptions options) throws IOException {
        this.elf = elf;
        Profile p = QemuRunner.profileFor(elf, null, Fixtures.registry());
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (console) {
                    console.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (console) {
                    console.write(b, off, len);
                }
            }
        };
        PrintStream err = new PrintStream(messages, true, StandardCharsets.UTF_8);
        run = CompletableFuture.supplyAsync(() -> {
            try {
                return new QemuRunner(Fixtures.tools(), err).run(elf, p, options, sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static NetDevice boot(Path elf, RunOptions options) throws IOException {
        return new NetDevice(elf, options);
    }

    String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the console shows {@code text}; fails with the console if it does not in time. */
    void awaitConsole(String text, Duration timeout) throws Exception {
        if (!Await.until(() -> console().contains(text) || run.isDone(), timeout) || !console().contains(text)) {
            throw new AssertionError("no '" + text + "' on the console within " + timeout.toSeconds() + " s"
                    + (run.isDone() ? " (QEMU ended)" : "") + ":\n" + console() + "\nmote run said:\n" + messages);
        }
    }

    /** Waits for the device to exit; its exit code. */
    int exitCode(Duration timeout) throws Exception {
        return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS).guestExitCode();
    }

    @Override
    public void close() {
        String file = elf.toAbsolutePath().toString();
        ProcessHandle.current().descendants()
                .filter(ph -> ph.info().commandLine().orElse("").contains(file))
                .forEach(ProcessHandle::destroyForcibly);
        try {
            run.handle((r, e) -> null).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // it was killed: how it ended does not matter any more
        }
    }
}
