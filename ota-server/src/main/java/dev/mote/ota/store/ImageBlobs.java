package dev.mote.ota.store;

import java.io.IOException;

/**
 * Where image bytes live, content-addressed by SHA-256: files in the data directory
 * ({@link ImageFiles}, SQLite) or rows of the database every instance reads ({@link ImageRows},
 * PostgreSQL). An image is stored whole before the images row that names it is committed.
 */
public interface ImageBlobs {
    /** Stores {@code bytes} under {@code sha256} (which the caller computed from them), durably. */
    void write(String sha256, byte[] bytes) throws IOException;

    /** The bytes stored under {@code sha256}; IOException when there are none. */
    byte[] read(String sha256) throws IOException;

    boolean exists(String sha256);
}
