package dev.mote.ota.store;

import dev.mote.ota.fleet.Records.JobInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The jobs table: one row per device a rollout targets. Call inside {@link Database#tx}. */
public final class JobStore {
    private static final String COLUMNS = "j.id, j.rollout_id, j.device_id, j.phase, j.state, j.bytes, j.reason,"
            + " j.offered_at, j.updated_at";
    private static final String IN_FLIGHT = JobState.IN_FLIGHT_SQL;
    private final Database db;

    public JobStore(Database db) {
        this.db = db;
    }

    /** A job to create: its device, phase (0: none, it is skipped), state and reason. */
    public record NewJob(String device, int phase, JobState state, String reason) {
    }

    public void insertAll(long rollout, List<NewJob> jobs, long now) {
        List<Object[]> rows = new ArrayList<>();
        for (NewJob j : jobs) {
            rows.add(new Object[] {rollout, j.device(), j.phase(), j.state().wire(), j.reason(), now});
        }
        db.batch("INSERT INTO jobs (rollout_id, device_id, phase, state, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows);
    }

    public JobInfo find(long id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM jobs j WHERE j.id = ?", JobStore::row, id);
    }

    /** A rollout's jobs, by phase then device. */
    public List<JobInfo> ofRollout(long rollout) {
        return db.query("SELECT " + COLUMNS + " FROM jobs j WHERE j.rollout_id = ? ORDER BY j.phase, j.device_id",
                JobStore::row, rollout);
    }

    /**
     * Moves job {@code id} from state {@code from} to {@code to}, only if it is still in
     * {@code from}: another transaction (another instance's) may have moved it since it was read,
     * and then this changes nothing and returns false. So a report handled twice, or a deadline
     * and a confirm at the same moment, can never count a job twice. {@code offeredAt} and
     * {@code bytes} are kept when negative.
     */
    public boolean move(long id, JobState from, JobState to, long bytes, String reason, long offeredAt, long now) {
        return db.update("UPDATE jobs SET state = ?, bytes = CASE WHEN ? < 0 THEN bytes ELSE ? END, reason = ?,"
                + " offered_at = CASE WHEN ? < 0 THEN offered_at ELSE ? END, updated_at = ? WHERE id = ? AND state = ?",
                to.wire(), bytes, bytes, reason, offeredAt, offeredAt, now, id, from.wire()) == 1;
    }

    /** Download progress of a job in flight: no state change, no history entry. */
    public void setBytes(long id, long bytes, long now) {
        db.update("UPDATE jobs SET bytes = ?, updated_at = ? WHERE id = ? AND state IN " + IN_FLIGHT, bytes, now, id);
    }

    /** Marks a job in {@code state} as looked after now (its device was reminded of it); false if it moved on. */
    public boolean touch(long id, JobState state, long now) {
        return db.update("UPDATE jobs SET updated_at = ? WHERE id = ? AND state = ?", now, id, state.wire()) == 1;
    }

    /** Jobs of the rollout in flight that nothing has changed since {@code before}. */
    public List<JobInfo> quietSince(long rollout, long before) {
        return db.query("SELECT " + COLUMNS + " FROM jobs j WHERE j.rollout_id = ? AND j.state IN " + IN_FLIGHT
                + " AND j.updated_at < ? ORDER BY j.id", JobStore::row, rollout, before);
    }

    /** Jobs between offered and confirmed, of one rollout (rollout > 0) or of all (rollout 0). */
    public List<JobInfo> inFlight(long rollout) {
        return rollout > 0
                ? db.query("SELECT " + COLUMNS + " FROM jobs j WHERE j.rollout_id = ? AND j.state IN " + IN_FLIGHT
                        + " ORDER BY j.id", JobStore::row, rollout)
                : db.query("SELECT " + COLUMNS + " FROM jobs j WHERE j.state IN " + IN_FLIGHT + " ORDER BY j.id",
                        JobStore::row);
    }

    public List<JobInfo> queued(long rollout) {
        return db.query("SELECT " + COLUMNS + " FROM jobs j WHERE j.rollout_id = ? AND j.state = 'queued'"
                + " ORDER BY j.id", JobStore::row, rollout);
    }

    /** The device's job in flight (at most one: the engine offers only to free devices), or null. */
    public JobInfo inFlightOf(String device) {
        return db.queryOne("SELECT " + COLUMNS + " FROM jobs j WHERE j.device_id = ? AND j.state IN " + IN_FLIGHT
                + " ORDER BY j.id DESC", JobStore::row, device);
    }

    /** Every device's job in flight, by device: one query for a whole device listing. */
    public Map<String, Long> inFlightByDevice() {
        Map<String, Long> out = new java.util.HashMap<>();
        db.query("SELECT device_id, id FROM jobs WHERE state IN " + IN_FLIGHT, rs -> {
            out.put(rs.getString(1), rs.getLong(2));
            return null;
        });
        return out;
    }

    /** Jobs of one phase of a rollout per state. */
    public Map<JobState, Integer> phaseCounts(long rollout, int phase) {
        Map<JobState, Integer> out = new EnumMap<>(JobState.class);
        for (JobState s : JobState.values()) {
            out.put(s, 0);
        }
        db.query("SELECT state, count(*) FROM jobs WHERE rollout_id = ? AND phase = ? GROUP BY state", rs -> {
            out.put(JobState.fromWire(rs.getString(1)), rs.getInt(2));
            return null;
        }, rollout, phase);
        return out;
    }

    /**
     * Up to {@code limit} queued jobs of the phase that could be offered now: their device is
     * online and has no job in flight (in any rollout). In job id order, which is the plan's
     * device order (a rollout's jobs are inserted in it), and which the (rollout, phase, state)
     * index yields without sorting: SQLite orders equal index keys by rowid.
     */
    public List<JobInfo> offerable(long rollout, int phase, int limit) {
        return db.query("SELECT " + COLUMNS + " FROM jobs j JOIN devices d ON d.id = j.device_id"
                + " WHERE j.rollout_id = ? AND j.phase = ? AND j.state = 'queued' AND d.online = 1"
                + " AND NOT EXISTS (SELECT 1 FROM jobs k WHERE k.device_id = j.device_id AND k.state IN " + IN_FLIGHT
                + ") ORDER BY j.id LIMIT ?", JobStore::row, rollout, phase, limit);
    }

    private static JobInfo row(ResultSet rs) throws SQLException {
        return new JobInfo(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getLong(6),
                rs.getString(7), rs.getLong(8), rs.getLong(9));
    }
}
