package dev.mote.ota.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small disk for tests that fill it: a tmpfs mounted on a directory (root only: the test is
 * skipped elsewhere, and fails in CI, which runs as root), filled by a file until writes fail,
 * so that SQLite meets a real ENOSPC.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code mib} MiB on {@code dir} (created). */
    public static SmallDisk mount(Path dir, int mib) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        boolean ok = run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "mote-small-disk", dir.toString()) == 0;
        if (!ok && "true".equals(System.getenv("CI"))) {
            fail("cannot mount a tmpfs (CI runs the suite as root): the full-disk tests cannot run");
        }
        Assumptions.assumeTrue(ok, "mounting a tmpfs needs root: skipped");
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Fills the disk with {@code file} until a write fails; returns the bytes written. */
    public static long fill(Path file) throws IOException {
        byte[] block = new byte[16 << 10];
        long n = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                n += block.length;
            }
        } catch (IOException full) {
            return n;
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", dir.toString());
    }
}
