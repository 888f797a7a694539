package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples, built and booted under QEMU: what a user sees from `mote run`. */
class ExamplesBootTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void helloGreetsAndExitsZero(String profile) throws IOException {
        Qemu.Boot b = Qemu.boot(Qemu.build("hello", profile, tmp), Qemu.tcg());
        assertTrue(b.console().contains("Hello from Mote on " + profile + "!"), b.console());
        assertEquals(0, b.result().guestExitCode(), b.console());
    }

    @Test
    void helloRunsOnACortexA72() throws IOException {
        Qemu.Boot b = Qemu.boot(Qemu.build("hello", "qemu-virt-arm64", tmp), Qemu.tcg().withCpu("cortex-a72"));
        assertTrue(b.result().command().contains("cortex-a72"));
        assertTrue(b.console().contains("Hello from Mote on qemu-virt-arm64!"), b.console());
        assertEquals(0, b.result().guestExitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void threadsPrintTheirDeterministicLines(String profile) throws IOException {
        Qemu.Boot b = Qemu.boot(Qemu.build("threads", profile, tmp), Qemu.tcg());
        List<String> expected = List.of(
                "consumer: reading 1 = 10", "consumer: reading 2 = 20", "consumer: reading 3 = 30",
                "consumer: reading 4 = 40", "total = 100", "timer: tick 1", "timer: tick 2", "timer: tick 3",
                "timer: 3 ticks in >= 60 ms", "urgent: preempted the spinner",
                "heap in use after joins: small", "threads: done");
        List<String> lines = b.console().lines().map(String::strip).filter(expected::contains).toList();
        assertEquals(expected, lines, b.console());
        assertEquals(0, b.result().guestExitCode(), b.console());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void sensorHubBuiltFromFoldersByItsBuildFileRuns(String profile) throws IOException {
        Qemu.Boot b = Qemu.boot(Qemu.build("sensor-hub", profile, tmp), Qemu.tcg());
        String c = b.console();
        assertTrue(c.contains("sensor-hub: 5 readings, 1 rejected, lowest -4250, highest 23125"), c);
        assertTrue(c.contains("sensor-hub: 500 mC came from sensor 3"), c);
        assertTrue(c.contains("sensor-hub: report (118 bytes, strlen 118): {\"n\":5,\"readings\":[{\"id\":1,"
                + "\"mC\":-4250},"), c);
        assertEquals(0, b.result().guestExitCode(), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void panicExits101WithASymbolizedBacktrace(String profile) throws IOException {
        Qemu.Boot b = Qemu.boot(Qemu.build("panic", profile, tmp), Qemu.tcg());
        assertEquals(101, b.result().guestExitCode(), b.console());
        String c = b.console();
        assertTrue(c.contains("null pointer"), c);
        int store = c.indexOf("sensor_store");
        int poll = c.indexOf("sensor_poll", store);
        int main = c.indexOf("app_main", poll);
        assertTrue(store >= 0 && poll > store && main > poll, "backtrace names the callers in order:\n" + c);
    }
}
