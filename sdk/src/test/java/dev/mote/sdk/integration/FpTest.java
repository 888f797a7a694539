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
 * Floating point in app threads on both boards (src/test/resources/apps/fp, issue 12 gap 9):
 * FP work preempted by other FP threads gives bit-for-bit the result it gives alone, in a
 * timer callback too, and a thread that ends while owning the FP registers harms nobody.
 */
class FpTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void fpStateIsEachThreadsOwn(String profile) throws IOException {
        Qemu.Boot b = TestApps.boot("fp", profile, tmp);
        String c = b.console();
        assertFalse(c.contains("FAILED"), c);
        assertEquals(3, c.split("fp: preempted worker matches its run alone ok", -1).length - 1, c);
        assertTrue(c.contains("fp: FP in a timer callback ok"), c);
        assertTrue(c.contains("fp: a thread that ends owning the FP registers ok"), c);
        assertTrue(c.contains("fp: 0 failed"), c);
        assertEquals(0, b.result().guestExitCode(), c);
    }
}
