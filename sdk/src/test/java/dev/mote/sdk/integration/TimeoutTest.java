package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest that never exits is killed at the timeout, and no QEMU is left behind. */
class TimeoutTest {
    @TempDir
    Path tmp;

    @Test
    void aHungGuestIsKilledAtTheTimeout() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("hang"));
        Files.writeString(app.resolve("main.c"), String.join("\n", "#include <mote.h>",
                "int app_main(void) { printf(\"hanging\\n\"); for (;;) mote_sleep_ms(1000); }", ""));
        Path elf = tmp.resolve("hang.elf");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(app, Fixtures.profile("qemu-virt-arm64"), elf, BuildOptions.defaults());
        long start = System.nanoTime();
        MoteException e = assertThrows(MoteException.class,
                () -> Qemu.boot(elf, Qemu.tcg().withTimeout(Duration.ofSeconds(3))));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals("timed out after 3 s: QEMU was killed", e.getMessage());
        assertTrue(e.hint().contains("--gdb"), e.hint());
        assertTrue(took < 15_000, "took " + took + " ms");
        List<ProcessHandle> left = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(elf.toString())).toList();
        assertEquals(List.of(), left);
    }
}
