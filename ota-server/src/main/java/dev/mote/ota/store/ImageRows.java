package dev.mote.ota.store;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * Image bytes in the database (table image_blobs): what PostgreSQL instances share, so no
 * instance needs a file system the others see. Each instance reads an image once into its cache
 * (fleet.ImageRepository); chunk requests never come here.
 */
public final class ImageRows implements ImageBlobs {
    private final Database db;

    public ImageRows(Database db) {
        this.db = db;
    }

    @Override
    public void write(String sha256, byte[] bytes) {
        check(sha256);
        db.run(() -> db.update("INSERT INTO image_blobs (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING",
                sha256, bytes));
    }

    @Override
    public byte[] read(String sha256) throws IOException {
        check(sha256);
        byte[] b = db.tx(() -> db.queryOne("SELECT data FROM image_blobs WHERE sha256 = ?", rs -> rs.getBytes(1),
                sha256));
        if (b == null) {
            throw new NoSuchFileException("image " + sha256 + " (table image_blobs)");
        }
        return b;
    }

    @Override
    public boolean exists(String sha256) {
        check(sha256);
        return db.tx(() -> db.queryLong("SELECT count(*) FROM image_blobs WHERE sha256 = ?", sha256)) > 0;
    }

    private static void check(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256: not 64 lower-case hex digits: " + sha256);
        }
    }
}
