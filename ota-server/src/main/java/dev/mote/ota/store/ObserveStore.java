package dev.mote.ota.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The tables of what devices say about themselves (docs/ota-server.md, "Crashes, logs, metrics,
 * shell"): crash groups and the crashes in them, the shell audit log, and a bounded history of
 * each device's log lines and metrics heartbeats. Call inside {@link Database#tx}.
 */
public final class ObserveStore {
    /** Schema migration 3 (Schema.MIGRATIONS). */
    static final List<String> TABLES = List.of(
            """
            CREATE TABLE crash_groups (
                id {serial},
                signature {text} NOT NULL UNIQUE,
                kind {text} NOT NULL,
                frames {text} NOT NULL,
                version {text} NOT NULL,
                first_seen {int64} NOT NULL,
                last_seen {int64} NOT NULL,
                count {int64} NOT NULL DEFAULT 0)""",
            """
            CREATE TABLE crashes (
                id {serial},
                group_id {int64} NOT NULL REFERENCES crash_groups(id),
                device_id {text} NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                seq {int64} NOT NULL,
                digest {text} NOT NULL,
                received_at {int64} NOT NULL,
                uptime_ms {int64} NOT NULL,
                test_boot {int64} NOT NULL,
                job_id {int64},
                lost {int64} NOT NULL,
                record {text} NOT NULL,
                UNIQUE (device_id, seq, digest))""",
            "CREATE INDEX crashes_group ON crashes(group_id, device_id)",
            "CREATE INDEX crashes_job ON crashes(job_id)",
            """
            CREATE TABLE shell_audit (
                id {serial},
                device_id {text} NOT NULL,
                who {text} NOT NULL,
                at {int64} NOT NULL,
                command {text} NOT NULL,
                exit {int64},
                answered_at {int64},
                output_bytes {int64})""",
            "CREATE INDEX shell_audit_device ON shell_audit(device_id, id)",
            """
            CREATE TABLE device_logs (
                id {serial},
                device_id {text} NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                received_at {int64} NOT NULL,
                seq {int64} NOT NULL,
                line {text} NOT NULL)""",
            "CREATE INDEX device_logs_device ON device_logs(device_id, id)",
            """
            CREATE TABLE device_metrics (
                id {serial},
                device_id {text} NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                received_at {int64} NOT NULL,
                line {text} NOT NULL)""",
            "CREATE INDEX device_metrics_device ON device_metrics(device_id, id)");

    /** A crash group, with how many crashes and devices it has. */
    public record GroupRow(long id, String signature, String kind, String frames, String version, long firstSeen,
                           long lastSeen, long count, long devices) {
    }

    /** One crash of a group. */
    public record CrashRow(long id, long group, String device, long seq, long receivedAt, long uptimeMs,
                           boolean testBoot, Long job, long lost, String record) {
    }

    public record AuditRow(long id, String device, String who, long at, String command, Integer exit,
                           Long answeredAt, Long outputBytes) {
    }

    public record LineRow(long id, String device, long receivedAt, String line) {
    }

    private static final String GROUP_COLUMNS = "g.id, g.signature, g.kind, g.frames, g.version, g.first_seen,"
            + " g.last_seen, g.count, (SELECT count(DISTINCT device_id) FROM crashes c WHERE c.group_id = g.id)";

    private final Database db;

    public ObserveStore(Database db) {
        this.db = db;
    }

    /**
     * The group with this signature, created if new; its id. Two instances storing the first
     * crash of a signature at the same time both get the one group.
     */
    public long group(String signature, String kind, String frames, String version, long now) {
        Long id = db.queryOne("SELECT id FROM crash_groups WHERE signature = ?", rs -> rs.getLong(1), signature);
        if (id != null) {
            return id;
        }
        db.update("INSERT INTO crash_groups (signature, kind, frames, version, first_seen, last_seen)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (signature) DO NOTHING", signature, kind, frames, version, now,
                now);
        return db.queryLong("SELECT id FROM crash_groups WHERE signature = ?", signature);
    }

    /** A crash already stored (the device sent it again: it missed the ack)? */
    public boolean hasCrash(String device, long seq, String digest) {
        return db.queryLong("SELECT count(*) FROM crashes WHERE device_id = ? AND seq = ? AND digest = ?", device, seq,
                digest) > 0;
    }

    /**
     * Stores a crash in its group and counts it there; null, counting nothing, when it is stored
     * already (the device sent it again, and another instance stored it meanwhile).
     */
    public Long addCrash(long group, String device, long seq, String digest, long now, long uptimeMs, boolean test,
                         Long job, long lost, String record) {
        List<Long> ids = db.updateReturning("INSERT INTO crashes (group_id, device_id, seq, digest, received_at, uptime_ms, test_boot,"
                + " job_id, lost, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (device_id, seq, digest) DO NOTHING RETURNING id", rs -> rs.getLong(1), group, device,
                seq, digest, now, uptimeMs, test, job, lost, record);
        if (ids.isEmpty()) {
            return null;
        }
        db.update("UPDATE crash_groups SET count = count + 1, last_seen = ? WHERE id = ?", now, group);
        return ids.get(0);
    }

    /**
     * The rollout job that installed {@code version} on the device, newest first: the one a crash
     * during its TEST boot failed. Null when none did.
     */
    public Long jobFor(String device, String version) {
        return db.queryOne("SELECT j.id FROM jobs j JOIN rollouts r ON r.id = j.rollout_id"
                + " JOIN images i ON i.sha256 = r.image WHERE j.device_id = ? AND i.version = ?"
                + " ORDER BY j.id DESC LIMIT 1", rs -> rs.getLong(1), device, version);
    }

    /** Groups, the most recent first; only those seen on {@code device} when it is not null. */
    public List<GroupRow> groups(String device) {
        String where = device == null ? "" : " WHERE EXISTS (SELECT 1 FROM crashes c WHERE c.group_id = g.id"
                + " AND c.device_id = ?)";
        return db.query("SELECT " + GROUP_COLUMNS + " FROM crash_groups g" + where + " ORDER BY g.last_seen DESC,"
                + " g.id DESC", ObserveStore::groupRow, device == null ? new Object[0] : new Object[] {device});
    }

    public GroupRow findGroup(long id) {
        return db.queryOne("SELECT " + GROUP_COLUMNS + " FROM crash_groups g WHERE g.id = ?", ObserveStore::groupRow, id);
    }

    /** The group's crashes, newest first, at most {@code limit}. */
    public List<CrashRow> crashes(long group, int limit) {
        return db.query("SELECT id, group_id, device_id, seq, received_at, uptime_ms, test_boot, job_id, lost, record"
                + " FROM crashes WHERE group_id = ? ORDER BY id DESC LIMIT ?", ObserveStore::crashRow, group, limit);
    }

    /** Crashes per device in the group: [device, count], the most first. */
    public List<Object[]> perDevice(long group) {
        return db.query("SELECT device_id, count(*) FROM crashes WHERE group_id = ? GROUP BY device_id"
                + " ORDER BY count(*) DESC, device_id", rs -> new Object[] {rs.getString(1), rs.getLong(2)}, group);
    }

    /** Rollout jobs the group's crashes failed (TEST boots): [job, rollout, device]. */
    public List<long[]> jobs(long group) {
        return db.query("SELECT DISTINCT c.job_id, j.rollout_id FROM crashes c JOIN jobs j ON j.id = c.job_id"
                + " WHERE c.group_id = ? ORDER BY c.job_id", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, group);
    }

    public long addAudit(String device, String who, long at, String command) {
        return db.insert("INSERT INTO shell_audit (device_id, who, at, command) VALUES (?, ?, ?, ?)", device, who, at,
                command);
    }

    /** Records a command's answer; false if there is no such unanswered command for the device. */
    public boolean answer(long id, String device, int exit, long at, long outputBytes) {
        return db.update("UPDATE shell_audit SET exit = ?, answered_at = ?, output_bytes = ? WHERE id = ?"
                + " AND device_id = ? AND answered_at IS NULL", exit, at, outputBytes, id, device) == 1;
    }

    /** The audit log, newest first (one device's when not null), at most {@code limit}. */
    public List<AuditRow> audit(String device, int limit) {
        List<Object> args = new ArrayList<>();
        String where = "";
        if (device != null) {
            where = " WHERE device_id = ?";
            args.add(device);
        }
        args.add(limit);
        return db.query("SELECT id, device_id, who, at, command, exit, answered_at, output_bytes FROM shell_audit"
                + where + " ORDER BY id DESC LIMIT ?", rs -> new AuditRow(rs.getLong(1), rs.getString(2),
                rs.getString(3), rs.getLong(4), rs.getString(5), nullableInt(rs, 6),
                DeviceStore.nullableLong(rs, 7), DeviceStore.nullableLong(rs, 8)), args.toArray());
    }

    /** Appends log lines and keeps the newest {@code keep} of the device. */
    public void addLogs(String device, long now, long firstSeq, List<String> lines, int keep) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            rows.add(new Object[] {device, now, firstSeq + i, lines.get(i)});
        }
        db.batch("INSERT INTO device_logs (device_id, received_at, seq, line) VALUES (?, ?, ?, ?)", rows);
        trim("device_logs", device, keep);
    }

    /** Lines after id {@code after}, oldest first, at most {@code limit}; the newest when after is 0. */
    public List<LineRow> logs(String device, long after, int limit) {
        return lines("device_logs", device, after, limit);
    }

    public void addMetrics(String device, long now, String line, int keep) {
        db.update("INSERT INTO device_metrics (device_id, received_at, line) VALUES (?, ?, ?)", device, now, line);
        trim("device_metrics", device, keep);
    }

    public List<LineRow> metrics(String device, long after, int limit) {
        return lines("device_metrics", device, after, limit);
    }

    public long count(String table, String device) {
        return db.queryLong("SELECT count(*) FROM " + table + " WHERE device_id = ?", device);
    }

    private List<LineRow> lines(String table, String device, long after, int limit) {
        String cols = "SELECT id, device_id, received_at, line FROM " + table;
        if (after > 0) {
            return db.query(cols + " WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?", ObserveStore::lineRow,
                    device, after, limit);
        }
        List<LineRow> newest = db.query(cols + " WHERE device_id = ? ORDER BY id DESC LIMIT ?", ObserveStore::lineRow,
                device, limit);
        List<LineRow> out = new ArrayList<>(newest);
        java.util.Collections.reverse(out);
        return out;
    }

    private void trim(String table, String device, int keep) {
        db.update("DELETE FROM " + table + " WHERE device_id = ? AND id <= (SELECT id FROM " + table
                + " WHERE device_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)", device, device, keep);
    }

    /** An integer column that may be null (PostgreSQL's BIGINT reads as a Long, SQLite's INTEGER as an Integer). */
    private static Integer nullableInt(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static GroupRow groupRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new GroupRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9));
    }

    private static CrashRow crashRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new CrashRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                rs.getInt(7) != 0, DeviceStore.nullableLong(rs, 8), rs.getLong(9), rs.getString(10));
    }

    private static LineRow lineRow(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new LineRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4));
    }
}
