package dev.mote.sdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file whole or not at all: the content is written to a temporary file beside it,
 * which is then renamed over it. A failure part-way (a full disk, a crash) leaves the old file
 * as it was and no temporary file behind.
 */
public final class AtomicFile {
    /** Writes the content of the temporary file it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private AtomicFile() {
    }

    /** Replaces {@code file} with what {@code writer} puts in a temporary file; mode rw-r--r--. */
    public static void replace(Path file, Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            writer.write(tmp);
            try {
                // createTempFile made it owner-only; images and flash files hold no secret
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep its default permissions.
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
