package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thread stacks on both boards (src/test/resources/apps/stacks): creating and joining threads
 * of every size for a long time loses no page (issue 12, bug 1), and a frame larger than the
 * guard page is still reported as a stack overflow of the thread that made it, never silently
 * corrupting the stack below it (bug 2).
 */
class StacksTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void createAndJoinOfAnySizeLosesNoPage(String profile) throws IOException {
        Qemu.Boot b = TestApps.boot("stacks", profile, tmp);
        assertTrue(b.console().contains("stacks: no leak"), b.console());
        assertEquals(0, b.result().guestExitCode(), b.console());
    }

    @ParameterizedTest(name = "{0}, {1} KiB frame")
    @CsvSource({"qemu-virt-arm64, 13", "qemu-microvm-x86_64, 13", "qemu-virt-arm64, 48",
        "qemu-microvm-x86_64, 48"})
    void aFrameLargerThanTheStackIsAnOverflowOfItsThread(String profile, int kib) throws IOException {
        Qemu.Boot b = TestApps.boot("stacks", profile, tmp, "FRAME=" + kib);
        String c = b.console();
        assertTrue(c.contains("*** FAULT in thread 'deep': stack overflow"), c);
        assertTrue(c.contains("thread 'deep' ran past the bottom of its 8192-byte stack"), c);
        assertFalse(c.contains("survived"), c);
        assertFalse(c.contains("neighbour: my stack was overwritten"), c);
        assertTrue(c.contains("big_frame"), "the backtrace names the function:\n" + c);
        assertEquals(101, b.result().guestExitCode(), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aFrameLargerThanTheGuardDoesNotCompile(String profile) throws IOException {
        String out = TestApps.buildFails("stacks", profile, tmp, "FRAME=100");
        assertTrue(out.contains("stack frame size") && out.contains("big_frame"), out);
    }
}
