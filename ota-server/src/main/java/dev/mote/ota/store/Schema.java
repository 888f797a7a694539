package dev.mote.ota.store;

import java.util.List;

/**
 * The database schema as a list of forward migrations: migration i (1-based) brings a
 * database from version i-1 to i. A release only ever appends to {@link #MIGRATIONS}, so any
 * older database opens and is upgraded in place. One list for SQLite and PostgreSQL: the column
 * types are {@link Dialect#ddl} placeholders ({int64}: INTEGER / BIGINT, {text}: TEXT / TEXT
 * COLLATE "C", ...), filled in for each; SQLite's statements are exactly what they were before
 * PostgreSQL came.
 *
 * <p>Times are epoch milliseconds; booleans are 0/1; job and rollout ids are AUTOINCREMENT so an
 * id is never reused, even after the newest row is deleted (a device may still hold an old
 * job id in its flash and say so in its hello).
 */
public final class Schema {
    /** The PostgreSQL advisory lock migrations hold (any number; ours). */
    private static final long MIGRATION_LOCK = 0x6d6f7465L;
    public static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE images (
                sha256 {text} PRIMARY KEY,
                profile {text} NOT NULL,
                arch {text} NOT NULL,
                app {text} NOT NULL,
                version {text} NOT NULL,
                security_counter {int64} NOT NULL,
                size {int64} NOT NULL,
                key_id {text} NOT NULL,
                uploaded_at {int64} NOT NULL)""",
            """
            CREATE TABLE devices (
                id {text} PRIMARY KEY,
                grp {text},
                profile {text},
                version {text},
                counter {int64} NOT NULL DEFAULT 0,
                slot {text},
                max_chunk INTEGER NOT NULL DEFAULT 0,
                online INTEGER NOT NULL DEFAULT 0,
                first_seen {int64} NOT NULL DEFAULT 0,
                last_seen {int64} NOT NULL DEFAULT 0)""",
            "CREATE INDEX devices_grp ON devices(grp)",
            """
            CREATE TABLE device_tags (
                device_id {text} NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                tag {text} NOT NULL,
                PRIMARY KEY (device_id, tag))""",
            "CREATE INDEX device_tags_tag ON device_tags(tag)",
            """
            CREATE TABLE rollouts (
                id {serial},
                name {text} NOT NULL,
                image {text} NOT NULL REFERENCES images(sha256),
                grp {text},
                tag {text},
                phases {text} NOT NULL,
                max_in_flight INTEGER NOT NULL,
                deadline_seconds {int64} NOT NULL,
                success_threshold {real} NOT NULL,
                failure_threshold {real} NOT NULL,
                state {text} NOT NULL,
                reason {text},
                phase INTEGER NOT NULL,
                phase_count INTEGER NOT NULL,
                failures_acked INTEGER NOT NULL DEFAULT 0,
                created_at {int64} NOT NULL,
                updated_at {int64} NOT NULL)""",
            "CREATE INDEX rollouts_state ON rollouts(state)",
            """
            CREATE TABLE jobs (
                id {serial},
                rollout_id {int64} NOT NULL REFERENCES rollouts(id),
                device_id {text} NOT NULL REFERENCES devices(id),
                phase INTEGER NOT NULL,
                state {text} NOT NULL,
                bytes {int64} NOT NULL DEFAULT 0,
                reason {text},
                offered_at {int64} NOT NULL DEFAULT 0,
                updated_at {int64} NOT NULL,
                UNIQUE (rollout_id, device_id))""",
            "CREATE INDEX jobs_rollout_phase ON jobs(rollout_id, phase, state)",
            "CREATE INDEX jobs_device ON jobs(device_id, state)",
            """
            CREATE TABLE history (
                id {rowid},
                device_id {text} NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                at {int64} NOT NULL,
                event {text} NOT NULL,
                job_id {int64},
                detail {text})""",
            "CREATE INDEX history_device ON history(device_id, id)"),
            // 2: several instances on one PostgreSQL database (docs/SCALING.md)
            List.of(
            // images in the database, where every instance reads them (SQLite keeps files: images/)
            "CREATE TABLE image_blobs (sha256 {text} PRIMARY KEY, data {blob} NOT NULL)",
            // work done by one instance at a time: holder, a fencing epoch, expiry on the database's clock
            """
            CREATE TABLE leases (
                name {text} PRIMARY KEY,
                holder {text} NOT NULL,
                epoch {int64} NOT NULL,
                expires_at {int64} NOT NULL)""",
            // the instances running against the database, with the schema each knows
            """
            CREATE TABLE instances (
                name {text} PRIMARY KEY,
                nonce {text} NOT NULL,
                schema_version INTEGER NOT NULL,
                embedded_broker INTEGER NOT NULL,
                started_at {int64} NOT NULL,
                seen_at {int64} NOT NULL)""",
            "CREATE TABLE settings (name {text} PRIMARY KEY, value {text} NOT NULL)"),
            // 3: what devices say about themselves (crash records, logs, metrics, the remote shell)
            ObserveStore.TABLES);

    private Schema() {
    }

    /** The schema version this code writes. */
    public static int current() {
        return MIGRATIONS.size();
    }

    /**
     * Applies the migrations {@code db} lacks, all in one transaction (PostgreSQL: under a lock,
     * so instances that start together migrate once). Refuses a database from a newer server, and
     * to upgrade a database that instances of an older server still run against: they would go
     * on writing what the new schema no longer means.
     */
    static void migrate(Database db, List<List<String>> migrations) {
        int want = migrations.size();
        db.run(() -> {
            if (db.dialect() == Dialect.POSTGRES) {
                db.query("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")", rs -> 0);
            }
            db.update("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int have = (int) db.queryLong("SELECT coalesce(max(version), 0) FROM schema_version");
            if (have > want) {
                throw new IllegalStateException("schema version " + have + " is newer than this server's (" + want
                        + "): run the newer server, or restore a backup");
            }
            if (have >= 2 && have < want) {
                List<String> older = db.query("SELECT name, schema_version FROM instances WHERE seen_at > "
                        + db.dialect().nowMillis() + " - ? ORDER BY name", rs -> rs.getString(1) + " (schema "
                        + rs.getInt(2) + ")", InstanceStore.LIVE_MILLIS);
                if (!older.isEmpty()) {
                    throw new IllegalStateException("schema version " + have + " is in use by running instances "
                            + String.join(", ", older) + ": stop them before this server (schema " + want
                            + ") upgrades the database");
                }
            }
            for (int v = have + 1; v <= want; v++) {
                for (String sql : migrations.get(v - 1)) {
                    db.update(db.dialect().ddl(sql));
                }
                db.update("INSERT INTO schema_version (version) VALUES (?)", v);
            }
        });
    }
}
