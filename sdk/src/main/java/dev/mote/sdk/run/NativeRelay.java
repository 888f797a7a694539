package dev.mote.sdk.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SDK's native guestfwd relay (guest_relay.c beside this class): a small C program, compiled
 * with the host's clang (which the SDK needs anyway) the first time a device gets a guestfwd,
 * and kept in the cache under a hash of its source. It starts in about a millisecond, as socat
 * does, and acknowledges what the device sends at once, as {@link GuestRelay} does
 * (docs/networking.md, "The relay and Nagle"); docs/decisions.md says why it is the default.
 */
final class NativeRelay {
    static final String SOURCE = "guest_relay.c";
    static final String BINARY = "mote-relay";
    private static final long COMPILE_SECONDS = 60;

    private NativeRelay() {
    }

    /**
     * The relay in {@code cache} (built there first if it is not yet), or null when it cannot be
     * built: no clang, or no C library headers on this host (the caller falls back to socat).
     */
    static Path locate(Path cache, Path clang) {
        try {
            byte[] source = source();
            Path dir = cache.resolve("relay-" + hash(source));
            Path bin = dir.resolve(BINARY);
            if (Files.isExecutable(bin)) {
                return bin;
            }
            return clang == null ? null : build(source, clang, cache, dir);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static byte[] source() throws IOException {
        try (InputStream in = NativeRelay.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException("the SDK has no " + SOURCE);
            }
            return in.readAllBytes();
        }
    }

    /** Compiles into a directory of its own, then moves it into place (other runs may race). */
    private static Path build(byte[] source, Path clang, Path cache, Path dir) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(Files.createDirectories(cache), dir.getFileName() + ".tmp");
        try {
            Files.write(work.resolve(SOURCE), source);
            Process p = new ProcessBuilder(List.of(clang.toString(), "-O2", "-pthread", "-w", "-o",
                    work.resolve(BINARY).toString(), work.resolve(SOURCE).toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(COMPILE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0 || !Files.isExecutable(work.resolve(BINARY))) {
                return null;
            }
            try {
                Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isExecutable(dir.resolve(BINARY))) {
                    throw raced;
                }
            }
            return dir.resolve(BINARY);
        } finally {
            if (Files.isDirectory(work)) {
                dev.mote.sdk.Sdk.deleteTree(work);
            }
        }
    }

    private static String hash(byte[] source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
