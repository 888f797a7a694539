package dev.mote.ota.store;

import java.util.List;

/**
 * The database schema as a list of forward migrations: migration i (1-based) brings a
 * database from version i-1 to i. A release only ever appends to {@link #MIGRATIONS}, so any
 * older database file opens and is upgraded in place, each step in its own transaction.
 *
 * <p>Times are epoch milliseconds; booleans are 0/1; job and rollout ids are AUTOINCREMENT so an
 * id is never reused, even after the newest row is deleted (a device may still hold an old
 * job id in its flash and say so in its hello).
 */
final class Schema {
    static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE images (
                sha256 TEXT PRIMARY KEY,
                profile TEXT NOT NULL,
                arch TEXT NOT NULL,
                app TEXT NOT NULL,
                version TEXT NOT NULL,
                security_counter INTEGER NOT NULL,
                size INTEGER NOT NULL,
                key_id TEXT NOT NULL,
                uploaded_at INTEGER NOT NULL)""",
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY,
                grp TEXT,
                profile TEXT,
                version TEXT,
                counter INTEGER NOT NULL DEFAULT 0,
                slot TEXT,
                max_chunk INTEGER NOT NULL DEFAULT 0,
                online INTEGER NOT NULL DEFAULT 0,
                first_seen INTEGER NOT NULL DEFAULT 0,
                last_seen INTEGER NOT NULL DEFAULT 0)""",
            "CREATE INDEX devices_grp ON devices(grp)",
            """
            CREATE TABLE device_tags (
                device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                tag TEXT NOT NULL,
                PRIMARY KEY (device_id, tag))""",
            "CREATE INDEX device_tags_tag ON device_tags(tag)",
            """
            CREATE TABLE rollouts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                image TEXT NOT NULL REFERENCES images(sha256),
                grp TEXT,
                tag TEXT,
                phases TEXT NOT NULL,
                max_in_flight INTEGER NOT NULL,
                deadline_seconds INTEGER NOT NULL,
                success_threshold REAL NOT NULL,
                failure_threshold REAL NOT NULL,
                state TEXT NOT NULL,
                reason TEXT,
                phase INTEGER NOT NULL,
                phase_count INTEGER NOT NULL,
                failures_acked INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL)""",
            "CREATE INDEX rollouts_state ON rollouts(state)",
            """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                rollout_id INTEGER NOT NULL REFERENCES rollouts(id),
                device_id TEXT NOT NULL REFERENCES devices(id),
                phase INTEGER NOT NULL,
                state TEXT NOT NULL,
                bytes INTEGER NOT NULL DEFAULT 0,
                reason TEXT,
                offered_at INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL,
                UNIQUE (rollout_id, device_id))""",
            "CREATE INDEX jobs_rollout_phase ON jobs(rollout_id, phase, state)",
            "CREATE INDEX jobs_device ON jobs(device_id, state)",
            """
            CREATE TABLE history (
                id INTEGER PRIMARY KEY,
                device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                at INTEGER NOT NULL,
                event TEXT NOT NULL,
                job_id INTEGER,
                detail TEXT)""",
            "CREATE INDEX history_device ON history(device_id, id)"),
            // 2: what devices say about themselves (crash records, logs, metrics, the remote shell)
            ObserveStore.TABLES);

    private Schema() {
    }

    /** The schema version this code writes. */
    static int current() {
        return MIGRATIONS.size();
    }

    /** Applies the migrations {@code db} lacks; refuses a database from a newer server. */
    static void migrate(Database db) {
        int have = db.tx(() -> {
            db.update("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            return (int) db.queryLong("SELECT coalesce(max(version), 0) FROM schema_version");
        });
        if (have > current()) {
            throw new IllegalStateException("schema version " + have + " is newer than this server's ("
                    + current() + "): run the newer server, or restore a backup");
        }
        for (int v = have + 1; v <= current(); v++) {
            int version = v;
            db.run(() -> {
                for (String sql : MIGRATIONS.get(version - 1)) {
                    db.update(sql);
                }
                db.update("INSERT INTO schema_version (version) VALUES (?)", version);
            });
        }
    }
}
