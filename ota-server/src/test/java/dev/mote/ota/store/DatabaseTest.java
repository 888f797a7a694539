package dev.mote.ota.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void aNewFileGetsTheSchemaAndTheSafeSettings() throws IOException {
        try (Database db = Database.open(dir.resolve("ota.db"), false)) {
            db.run(() -> {
                assertEquals(Schema.current(), db.queryLong("SELECT max(version) FROM schema_version"));
                assertEquals("wal", db.queryOne("PRAGMA journal_mode", rs -> rs.getString(1)));
                assertEquals(1, db.queryLong("PRAGMA foreign_keys"));
                assertEquals(1, db.queryLong("PRAGMA synchronous"), "NORMAL");
            });
        }
        try (Database db = Database.open(dir.resolve("ota.db"), true)) {
            assertEquals(2, db.tx(() -> db.queryLong("PRAGMA synchronous")), "FULL");
            assertEquals(Schema.current(), db.tx(() -> db.queryLong("SELECT count(*) FROM schema_version")),
                    "each migration once");
        }
    }

    @Test
    void aFailedTransactionLeavesNothingAndRunsNothingAfter() throws IOException {
        try (Database db = Database.open(dir.resolve("ota.db"), false)) {
            List<String> ran = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> db.run(() -> {
                db.update("INSERT INTO devices (id) VALUES ('a')");
                db.afterCommit(() -> ran.add("a"));
                throw new IllegalStateException("boom");
            }));
            db.run(() -> {
                db.update("INSERT INTO devices (id) VALUES ('b')");
                db.afterCommit(() -> ran.add("b1"));
                db.run(() -> db.afterCommit(() -> ran.add("b2"))); // nested: joins, runs after the outer commit
                assertEquals(List.of(), ran);
            });
            assertEquals(List.of("b1", "b2"), ran);
            assertEquals(List.of("b"), db.tx(() -> db.query("SELECT id FROM devices", rs -> rs.getString(1))));
        }
    }

    @Test
    void theDatabaseIsUsedOnlyInsideTransactions() throws IOException {
        try (Database db = Database.open(dir.resolve("ota.db"), false)) {
            assertThrows(IllegalStateException.class, () -> db.update("DELETE FROM devices"));
        }
    }

    @Test
    void foreignKeysAreEnforced() throws IOException {
        try (Database db = Database.open(dir.resolve("ota.db"), false)) {
            StoreException e = assertThrows(StoreException.class, () -> db.run(() -> db.update("INSERT INTO jobs"
                    + " (rollout_id, device_id, phase, state, updated_at) VALUES (7, 'x', 1, 'queued', 0)")));
            assertTrue(e.getMessage().contains("FOREIGN KEY"), e.getMessage());
        }
    }

    @Test
    void aDatabaseFromANewerServerIsRefused() throws IOException {
        try (Database db = Database.open(dir.resolve("ota.db"), false)) {
            db.run(() -> db.update("INSERT INTO schema_version (version) VALUES (99)"));
        }
        IOException e = assertThrows(IOException.class, () -> Database.open(dir.resolve("ota.db"), false));
        assertTrue(e.getMessage().contains("schema version 99 is newer than this server's"), e.getMessage());
    }

    @Test
    void oneStorePerDirectoryAndLeftoversCleaned() throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images").resolve(".abc.img123.tmp"), new byte[10]);
        try (Store s = Store.open(dir, false)) {
            assertEquals(false, Files.exists(dir.resolve("images").resolve(".abc.img123.tmp")));
            IOException e = assertThrows(IOException.class, () -> Store.open(dir, false));
            assertTrue(e.getMessage().startsWith("another OTA server is using "), e.getMessage());
            String sha = "ab".repeat(32);
            s.files().write(sha, new byte[] {1, 2, 3});
            assertEquals(3, s.files().read(sha).length);
            try (var files = Files.list(dir.resolve("images"))) {
                assertEquals(List.of(sha + ".img"), files.map(p -> p.getFileName().toString()).toList());
            }
        }
        Store.open(dir, false).close(); // released on close
    }
}
