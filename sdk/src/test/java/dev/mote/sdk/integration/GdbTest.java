package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.QemuCommand;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mote run --gdb`: a real gdb-multiarch attaches, breaks in app_main and sees it in the backtrace. */
class GdbTest {
    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void gdbBreaksInAppMain() throws Exception {
        Path elf = Qemu.build("hello", "qemu-virt-arm64", tmp);
        Profile p = QemuRunner.profileFor(elf, null, Fixtures.registry());
        int port = freePort();
        RunOptions o = RunOptions.defaults().withGdbPort(port).withAccel(RunOptions.Accel.TCG)
                .withTimeout(Duration.ofSeconds(60));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream notes = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> qemu = CompletableFuture.supplyAsync(() -> {
            try {
                return new QemuRunner(Fixtures.tools(), notes).run(elf, p, o, console).guestExitCode();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String attach = QemuCommand.gdbAttach(p, elf, port);
        assertTrue(attach.contains("target remote 127.0.0.1:" + port), attach);
        List<String> gdb = new ArrayList<>(List.of(Fixtures.tools().require("gdb-multiarch").toString(),
                "-q", "-batch", "-nx", elf.toString(),
                // QEMU may still be starting: gdb retries a refused connection for up to 30 s.
                "-ex", "set tcp auto-retry on", "-ex", "set tcp connect-timeout 30",
                "-ex", "target remote 127.0.0.1:" + port,
                "-ex", "break app_main", "-ex", "continue", "-ex", "bt", "-ex", "kill"));
        Process g = new ProcessBuilder(gdb).redirectErrorStream(true).start();
        g.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> copy(g, out));
        boolean done = g.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            g.destroyForcibly();
        }
        pump.get(10, TimeUnit.SECONDS);
        String text = out.toString(StandardCharsets.UTF_8);
        try {
            qemu.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // `kill` in gdb ends QEMU; how the runner reports that does not matter here.
        }
        assertTrue(done, "gdb did not finish:\n" + text);
        assertTrue(text.contains("Breakpoint 1"), text);
        assertTrue(text.matches("(?s).*#0 .*app_main.*"), "backtrace shows app_main:\n" + text);
    }

    private static void copy(Process g, OutputStream out) {
        try {
            g.getInputStream().transferTo(out);
        } catch (IOException e) {
            // gdb exited
        }
    }
}
