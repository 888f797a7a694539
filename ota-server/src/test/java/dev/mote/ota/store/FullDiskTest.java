package dev.mote.ota.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up under the database, for real: a 4 MiB tmpfs ({@link SmallDisk}) filled
 * by another file until writes fail, so the commit fails the way it does on a server whose disk
 * ran full (SQLITE_FULL from the WAL write), and freed again.
 */
class FullDiskTest {
    @TempDir
    Path tmp;
    private SmallDisk disk;
    private Path mount;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = SmallDisk.mount(tmp.resolve("disk"), 4);
        mount = disk.dir();
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    private static long fill(Path file) throws IOException {
        return SmallDisk.fill(file);
    }

    private static void insertDevices(Database db, String prefix, int count) {
        db.run(() -> {
            for (int i = 0; i < count; i++) {
                db.update("INSERT INTO devices (id, grp) VALUES (?, ?)", prefix + i, "g".repeat(60));
            }
        });
    }

    /**
     * After a failed commit the connection must work again by itself once there is room: it
     * used to answer "cannot commit - no transaction is active" to every later call until the
     * server restarted, while its health check still said all was well.
     */
    @Test
    void aFullDiskFailsTheCommitThenTheStoreRecoversWhenThereIsRoom() throws Exception {
        try (Database db = Database.open(mount.resolve("ota.db"), false)) {
            insertDevices(db, "before-", 10);
            assertNull(db.problem(), "a fresh store is healthy");
            Path filler = mount.resolve("filler");
            assertTrue(fill(filler) > 0);

            StoreException full = assertThrows(StoreException.class, () -> insertDevices(db, "full-", 2000));
            assertTrue(full.getMessage().contains("full") || full.getMessage().contains("FULL"), full.getMessage());
            assertNotNull(db.problem(), "the store says it cannot write");
            assertTrue(db.problem().contains("full"), db.problem());
            assertEquals(10, db.tx(() -> db.queryLong("SELECT count(*) FROM devices")), "nothing half-written");

            Files.delete(filler);
            insertDevices(db, "after-", 10); // used to fail: no transaction is active
            assertEquals(20, db.tx(() -> db.queryLong("SELECT count(*) FROM devices")));
            assertNull(db.problem(), "healthy again after a commit went through");
        }
        try (Database db = Database.open(mount.resolve("ota.db"), false)) {
            assertEquals(20, db.tx(() -> db.queryLong("SELECT count(*) FROM devices")), "and all of it on disk");
        }
    }

    /** The health check looks for itself when nothing else writes: a store that failed says when it works again. */
    @Test
    void theHealthCheckProbesAFailedStore() throws Exception {
        try (Database db = Database.open(mount.resolve("ota.db"), false)) {
            Path filler = mount.resolve("filler");
            fill(filler);
            assertThrows(StoreException.class, () -> insertDevices(db, "full-", 2000));
            assertNotNull(db.problem());
            String full = db.probe();
            assertNotNull(full, "still full");
            assertTrue(full.contains("full"), full);
            Files.delete(filler);
            assertNull(db.probe(), "room again: the probe's write commits");
            assertNull(db.problem());
        }
    }
}
