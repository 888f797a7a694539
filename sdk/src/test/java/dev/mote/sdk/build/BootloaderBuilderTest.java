package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootloaderBuilderTest {
    @TempDir
    Path cache;

    /** Several devices booted at once by one process (a test lab, the OTA demo) build one bootloader. */
    @Test
    void concurrentBuildsOfOneBootloaderAllSucceed() throws Exception {
        BootloaderBuilder builder = new BootloaderBuilder(Fixtures.sdk(), Fixtures.tools(),
                new PrintStream(OutputStream.nullOutputStream()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> builds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                builds.add(pool.submit(() -> builder.build(Fixtures.profile("qemu-virt-arm64"), TestKeys.trusted(), cache)));
            }
            Path first = builds.get(0).get();
            for (Future<Path> b : builds) {
                assertEquals(first, b.get());
            }
            assertTrue(Files.size(first) > 0);
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(first(cache)), left.toList(), "no half-built directories are left behind");
        }
    }

    private static Path first(Path cache) throws Exception {
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> !d.getFileName().toString().contains(".tmp")).findFirst().orElseThrow();
        }
    }
}
