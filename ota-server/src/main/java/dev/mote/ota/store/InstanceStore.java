package dev.mote.ota.store;

import java.util.List;

/**
 * The instances table: the servers running against this database, each with the schema version
 * it knows and whether it embeds its broker; each instance refreshes its row every few seconds,
 * and a row not refreshed for {@link #LIVE_MILLIS} is an instance that is gone. Times are the
 * database's. Call inside {@link Database#tx}.
 */
public final class InstanceStore {
    /** An instance not heard from for this long is gone. */
    public static final long LIVE_MILLIS = 10_000;
    private static final long JOIN_LOCK = 0x6d6f7466L;

    /** A live instance; {@code nonce} tells two processes of one name apart. */
    public record Instance(String name, String nonce, int schema, boolean embeddedBroker, long seenAgoMillis) {
    }

    private final Database db;
    private final String now;

    public InstanceStore(Database db) {
        this.db = db;
        this.now = db.dialect().nowMillis();
    }

    /** Instances heard from within {@link #LIVE_MILLIS}, by name. */
    public List<Instance> live() {
        return db.query("SELECT name, nonce, schema_version, embedded_broker, " + now + " - seen_at FROM instances"
                + " WHERE seen_at > " + now + " - ? ORDER BY name", rs -> new Instance(rs.getString(1),
                rs.getString(2), rs.getInt(3), rs.getInt(4) != 0, rs.getLong(5)), LIVE_MILLIS);
    }

    /** Serializes instances joining at the same moment, until the transaction ends (PostgreSQL). */
    public void lockMembership() {
        if (db.dialect() == Dialect.POSTGRES) {
            db.query("SELECT pg_advisory_xact_lock(" + JOIN_LOCK + ")", rs -> 0);
        }
    }

    /** Records this process as instance {@code name}, knowing this code's schema (replacing a row of that name). */
    public void register(String name, String nonce, boolean embeddedBroker) {
        db.update("INSERT INTO instances (name, nonce, schema_version, embedded_broker, started_at, seen_at)"
                + " VALUES (?, ?, ?, ?, " + now + ", " + now + ") ON CONFLICT (name) DO UPDATE SET"
                + " nonce = excluded.nonce, schema_version = excluded.schema_version,"
                + " embedded_broker = excluded.embedded_broker, started_at = excluded.started_at,"
                + " seen_at = excluded.seen_at", name, nonce, Schema.current(), embeddedBroker);
    }

    /** Refreshes this process's row; false when another process took the name over. */
    public boolean heartbeat(String name, String nonce) {
        return db.update("UPDATE instances SET seen_at = " + now + " WHERE name = ? AND nonce = ?", name, nonce) == 1;
    }

    public void remove(String name, String nonce) {
        db.update("DELETE FROM instances WHERE name = ? AND nonce = ?", name, nonce);
    }
}
