package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threads and sync on both boards (src/test/resources/apps/sync, issue 12 gaps 11 and 12):
 * priority inheritance, condition variables, event flags, changing priorities, the stack
 * high-water mark, why a thread could not start, and the application watchdog.
 */
class SyncTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void everyCheckPasses(String profile) throws IOException {
        Qemu.Boot b = TestApps.boot("sync", profile, tmp);
        String c = b.console();
        assertFalse(c.contains("FAILED"), c);
        for (String check : new String[] {"priority inheritance: high did not wait out middle ok",
            "priority inheritance: low ran at high's priority ok", "condition variable: timeout ok",
            "events: wait for all ok", "priority: raised thread ran at once ok", "stack: high-water mark ok",
            "start: priority 0 ok", "start: out of memory ok", "0 failed"}) {
            assertTrue(c.contains("sync: " + check), check + "\n" + c);
        }
        assertEquals(0, b.result().guestExitCode(), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aStuckMainLoopIsEndedByTheWatchdog(String profile) throws IOException {
        Qemu.Boot b = TestApps.boot("sync", profile, tmp, "WATCHDOG=1");
        String c = b.console();
        assertTrue(c.contains("sync: fed the watchdog 5 times"), c);
        assertTrue(c.contains("*** WATCHDOG: not fed for"), c);
        assertTrue(c.contains("last fed by thread 'main'"), c);
        int report = c.indexOf("thread 'main' (ready, priority 8)");
        assertTrue(report >= 0 && c.indexOf("app_main", report) > report, "where main was:\n" + c);
        assertEquals(104, b.result().guestExitCode(), c);
    }
}
