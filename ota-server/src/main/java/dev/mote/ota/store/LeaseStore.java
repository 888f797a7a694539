package dev.mote.ota.store;

/**
 * The leases table: work that one instance at a time may do (the rollout engine's), held by a
 * holder until an expiry on the database's clock (one clock for every instance, whatever theirs
 * say). Each take-over raises the lease's epoch, the fencing token: a holder checks its epoch in
 * the same transaction as the work ({@link #fence}), so a holder that was paused past its expiry
 * and lost the lease cannot act on it any more. Call inside {@link Database#tx}.
 */
public final class LeaseStore {
    private final Database db;
    private final String now;

    public LeaseStore(Database db) {
        this.db = db;
        this.now = db.dialect().nowMillis();
    }

    /** Takes lease {@code name} for {@code ttlMillis} if no one holds it (or it expired): its new epoch, else 0. */
    public long acquire(String name, String holder, long ttlMillis) {
        db.update("INSERT INTO leases (name, holder, epoch, expires_at) VALUES (?, '', 0, 0)"
                + " ON CONFLICT (name) DO NOTHING", name);
        Long epoch = db.updateReturning("UPDATE leases SET holder = ?, epoch = epoch + 1, expires_at = " + now + " + ?"
                + " WHERE name = ? AND expires_at <= " + now + " RETURNING epoch", rs -> rs.getLong(1), holder,
                ttlMillis, name).stream().findFirst().orElse(null);
        return epoch == null ? 0 : epoch;
    }

    /** Extends a lease still held at {@code epoch}; false when it expired or was taken over. */
    public boolean renew(String name, String holder, long epoch, long ttlMillis) {
        return db.update("UPDATE leases SET expires_at = " + now + " + ? WHERE name = ? AND holder = ? AND epoch = ?"
                + " AND expires_at > " + now, ttlMillis, name, holder, epoch) == 1;
    }

    /**
     * Whether {@code holder} still holds the lease at {@code epoch}, locking the row until the
     * transaction ends (PostgreSQL) so that no one takes it over before the work that checked
     * this has committed.
     */
    public boolean fence(String name, String holder, long epoch) {
        return db.queryOne("SELECT epoch FROM leases WHERE name = ? AND holder = ? AND epoch = ? AND expires_at > " + now
                + db.dialect().forShare(), rs -> rs.getLong(1), name, holder, epoch) != null;
    }

    /** Gives the lease up at once (a clean shutdown): another instance may take it now. */
    public void release(String name, String holder, long epoch) {
        db.update("UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND epoch = ?", name, holder, epoch);
    }

    /** Who holds the lease now and at which epoch ("holder@epoch"), or null when no one does. */
    public String holder(String name) {
        return db.queryOne("SELECT holder, epoch FROM leases WHERE name = ? AND expires_at > " + now,
                rs -> rs.getString(1) + "@" + rs.getLong(2), name);
    }
}
