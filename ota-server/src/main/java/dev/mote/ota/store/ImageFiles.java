package dev.mote.ota.store;

import dev.mote.sdk.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Image files, content-addressed: DATA_DIR/images/SHA256.img. A file is written whole or not
 * at all (temporary file, fsync, rename, fsync of the directory) before the database row that
 * names it is committed, so a row never points at a missing or half-written file; a crash in
 * between leaves at most an orphan file, which the next upload of the same bytes replaces.
 */
public final class ImageFiles implements ImageBlobs {
    private final Path dir;

    public ImageFiles(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        // AtomicFile's temporary files, left behind by a crash mid-write.
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    public Path path(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256: not 64 lower-case hex digits: " + sha256);
        }
        return dir.resolve(sha256 + ".img");
    }

    @Override
    public void write(String sha256, byte[] bytes) throws IOException {
        AtomicFile.replace(path(sha256), tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        });
        // The rename is durable only once the directory entry is on disk too.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory; the rename is still atomic there.
        }
    }

    @Override
    public byte[] read(String sha256) throws IOException {
        return Files.readAllBytes(path(sha256));
    }

    @Override
    public boolean exists(String sha256) {
        return Files.isRegularFile(path(sha256));
    }
}
