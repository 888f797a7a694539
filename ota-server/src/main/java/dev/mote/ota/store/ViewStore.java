package dev.mote.ota.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only queries for the dashboard's views (docs/ota-server.md, "Dashboard"): one page of a
 * filtered device list, the fleet's counts by version, profile, group and update state, a
 * rollout's jobs per phase and state. Call inside {@link Database#tx}.
 *
 * <p>A device's update state is the state of its latest job (the one with the highest id), or
 * {@link #NONE} if it never had one. The latest job is found through the jobs_device index
 * (device_id first), one seek per device: a device has one job per rollout that targeted it.
 */
public final class ViewStore {
    /** The update state of a device that no rollout ever targeted. */
    public static final String NONE = "none";
    private static final String LATEST_JOB = "LEFT JOIN jobs j ON j.id = (SELECT max(k.id) FROM jobs k"
            + " WHERE k.device_id = d.id)";
    private final Database db;

    /** What a device list is filtered by; null fields match everything. */
    public record DeviceQuery(String text, String group, String tag, String profile, String version, Boolean online,
                              String state) {
    }

    /** A device as the list shows it, with its latest job's state and rollout (null without one). */
    public record ListedRow(DeviceRow device, String updateState, Long rollout) {
    }

    public ViewStore(Database db) {
        this.db = db;
    }

    /** How many devices match {@code q}. */
    public int count(DeviceQuery q) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        String from = q.state() == null ? "devices d" : "devices d " + LATEST_JOB;
        return (int) db.queryLong("SELECT count(*) FROM " + from + where, args.toArray());
    }

    /** Devices matching {@code q}, ordered by id: {@code limit} of them from {@code offset}. */
    public List<ListedRow> page(DeviceQuery q, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        args.add(limit);
        args.add(offset);
        return db.query("SELECT d.id, d.grp, d.profile, d.version, d.counter, d.slot, d.max_chunk, d.online,"
                + " d.first_seen, d.last_seen, j.state, j.rollout_id FROM devices d " + LATEST_JOB + where
                + " ORDER BY d.id LIMIT ? OFFSET ?", rs -> {
                    DeviceRow d = new DeviceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getString(6), rs.getInt(7), rs.getInt(8) != 0, rs.getLong(9),
                            rs.getLong(10));
                    String state = rs.getString(11);
                    return new ListedRow(d, state == null ? NONE : state, DeviceStore.nullableLong(rs, 12));
                }, args.toArray());
    }

    /** The tags of the given devices (a page of them), each list sorted. */
    public Map<String, List<String>> tags(List<String> ids) {
        Map<String, List<String>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String marks = "?,".repeat(ids.size());
        db.query("SELECT device_id, tag FROM device_tags WHERE device_id IN (" + marks.substring(0, marks.length() - 1)
                + ") ORDER BY device_id, tag", rs -> {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    return null;
                }, ids.toArray());
        return out;
    }

    /** Devices in all, and online. */
    public int[] totals() {
        return db.queryOne("SELECT count(*), coalesce(sum(online), 0) FROM devices",
                rs -> new int[] {rs.getInt(1), rs.getInt(2)});
    }

    /**
     * Devices per value of a column (version, profile or group; null as ""), most first, at most
     * {@code limit} values.
     */
    public Map<String, Integer> countBy(String column, int limit) {
        String c = switch (column) {
            case "version", "profile" -> column;
            case "group" -> "grp";
            default -> throw new IllegalArgumentException("column: version, profile or group, got " + column);
        };
        Map<String, Integer> out = new LinkedHashMap<>();
        db.query("SELECT coalesce(" + c + ", ''), count(*) FROM devices GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", rs -> {
            out.put(rs.getString(1), rs.getInt(2));
            return null;
        }, limit);
        return out;
    }

    /** Devices per update state (the latest job's state, or {@link #NONE}). */
    public Map<String, Integer> countByUpdateState() {
        Map<String, Integer> out = new LinkedHashMap<>();
        db.query("SELECT coalesce(j.state, '" + NONE + "'), count(*) FROM devices d " + LATEST_JOB
                + " GROUP BY 1 ORDER BY 2 DESC, 1", rs -> {
                    out.put(rs.getString(1), rs.getInt(2));
                    return null;
                });
        return out;
    }

    /**
     * A rollout's jobs per phase (index 0: skipped at creation, then phase 1, 2, ...) and state,
     * for phases 0..{@code phaseCount}; every state present, zeros included.
     */
    public List<Map<String, Integer>> phaseCounts(long rollout, int phaseCount) {
        List<Map<String, Integer>> out = new ArrayList<>();
        for (int p = 0; p <= phaseCount; p++) {
            out.add(RolloutStore.emptyCounts());
        }
        db.query("SELECT phase, state, count(*) FROM jobs WHERE rollout_id = ? GROUP BY phase, state", rs -> {
            int p = rs.getInt(1);
            if (p >= 0 && p <= phaseCount) {
                out.get(p).put(rs.getString(2), rs.getInt(3));
            }
            return null;
        }, rollout);
        return out;
    }

    /**
     * A number that moves whenever anything a view shows may have changed, and costs no table
     * access to ask ({@link Dialect#changes}: SQLite counts the rows its one connection changed;
     * on PostgreSQL it is the next transaction id, which any instance's write moves, the instances'
     * heartbeats among them, so there it moves about once a second even in a quiet fleet).
     */
    public long changes() {
        return db.queryLong("SELECT " + db.dialect().changes());
    }

    private String where(DeviceQuery q, List<Object> args) {
        StringBuilder w = new StringBuilder(" WHERE 1 = 1");
        if (q.text() != null) {
            String pattern = "%" + q.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            String like = " " + db.dialect().likeAnyCase() + " ? ESCAPE '\\'";
            w.append(" AND (d.id" + like + " OR d.version" + like + " OR d.grp" + like + ")");
            args.add(pattern);
            args.add(pattern);
            args.add(pattern);
        }
        if (q.group() != null) {
            w.append(" AND d.grp = ?");
            args.add(q.group());
        }
        if (q.tag() != null) {
            w.append(" AND EXISTS (SELECT 1 FROM device_tags t WHERE t.device_id = d.id AND t.tag = ?)");
            args.add(q.tag());
        }
        if (q.profile() != null) {
            w.append(" AND d.profile = ?");
            args.add(q.profile());
        }
        if (q.version() != null) {
            w.append(" AND d.version = ?");
            args.add(q.version());
        }
        if (q.online() != null) {
            w.append(" AND d.online = ?");
            args.add(q.online());
        }
        if (q.state() != null) {
            if (q.state().equals(NONE)) {
                w.append(" AND j.id IS NULL");
            } else {
                w.append(" AND j.state = ?");
                args.add(q.state());
            }
        }
        return w.toString();
    }
}
