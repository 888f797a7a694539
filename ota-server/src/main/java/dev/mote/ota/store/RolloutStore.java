package dev.mote.ota.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rollouts table. Call inside {@link Database#tx}. */
public final class RolloutStore {
    private static final String COLUMNS = "id, name, image, grp, tag, phases, max_in_flight, deadline_seconds,"
            + " success_threshold, failure_threshold, state, reason, phase, phase_count, failures_acked, created_at,"
            + " updated_at";
    private final Database db;

    public RolloutStore(Database db) {
        this.db = db;
    }

    /** Stores a new rollout (its id and state are ignored); returns its id. */
    public long insert(RolloutRow r) {
        return db.insert("INSERT INTO rollouts (" + COLUMNS.substring("id, ".length()) + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.name(), r.image(), r.group(), r.tag(),
                String.join(",", r.phases()), r.maxInFlight(), r.deadlineSeconds(), r.successThreshold(),
                r.failureThreshold(), r.state().wire(), r.reason(), r.phase(), r.phaseCount(), r.failuresAcked(),
                r.createdAt(), r.updatedAt());
    }

    public RolloutRow find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM rollouts WHERE id = ?", RolloutStore::row, id);
    }

    /**
     * {@link #find}, and the row stays locked until the transaction ends (PostgreSQL; SQLite has one
     * writer at a time anyway): the engine's pass over a rollout and an operator's pause, resume or
     * cancel of it, on whichever instances, happen one after the other.
     */
    public RolloutRow lock(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM rollouts WHERE id = ?" + db.dialect().forUpdate(),
                RolloutStore::row, id);
    }

    public List<RolloutRow> all() {
        return db.query("SELECT " + COLUMNS + " FROM rollouts ORDER BY id", RolloutStore::row);
    }

    /** Rollouts that are running or paused: the ones the engine looks after. */
    public List<RolloutRow> unfinished() {
        return db.query("SELECT " + COLUMNS + " FROM rollouts WHERE state IN ('running', 'paused') ORDER BY id",
                RolloutStore::row);
    }

    public void setState(long id, RolloutState state, String reason, long now) {
        db.update("UPDATE rollouts SET state = ?, reason = ?, updated_at = ? WHERE id = ?", state.wire(), reason, now,
                id);
    }

    public void setPhase(long id, int phase, int failuresAcked, long now) {
        db.update("UPDATE rollouts SET phase = ?, failures_acked = ?, updated_at = ? WHERE id = ?", phase,
                failuresAcked, now, id);
    }

    /** Jobs per state (every state, zeros included, in {@link JobState} order). */
    public Map<String, Integer> counts(long id) {
        Map<String, Integer> out = emptyCounts();
        db.query("SELECT state, count(*) FROM jobs WHERE rollout_id = ? GROUP BY state", rs -> {
            out.put(rs.getString(1), rs.getInt(2));
            return null;
        }, id);
        return out;
    }

    /** {@link #counts} of every rollout in one query. */
    public Map<Long, Map<String, Integer>> allCounts() {
        Map<Long, Map<String, Integer>> out = new HashMap<>();
        db.query("SELECT rollout_id, state, count(*) FROM jobs GROUP BY rollout_id, state", rs -> {
            out.computeIfAbsent(rs.getLong(1), k -> emptyCounts()).put(rs.getString(2), rs.getInt(3));
            return null;
        });
        return out;
    }

    public static Map<String, Integer> emptyCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (JobState s : JobState.values()) {
            out.put(s.wire(), 0);
        }
        return out;
    }

    private static RolloutRow row(ResultSet rs) throws SQLException {
        return new RolloutRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                List.copyOf(Arrays.asList(rs.getString(6).split(","))), rs.getInt(7), rs.getLong(8), rs.getDouble(9),
                rs.getDouble(10), RolloutState.fromWire(rs.getString(11)), rs.getString(12), rs.getInt(13),
                rs.getInt(14), rs.getInt(15), rs.getLong(16), rs.getLong(17));
    }
}
