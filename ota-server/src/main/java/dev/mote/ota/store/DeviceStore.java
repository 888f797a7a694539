package dev.mote.ota.store;

import dev.mote.ota.fleet.Records.HistoryEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The devices, device_tags and history tables. Call inside {@link Database#tx}.
 */
public final class DeviceStore {
    private static final String COLUMNS = "id, grp, profile, version, counter, slot, max_chunk, online, first_seen,"
            + " last_seen";
    private final Database db;

    public DeviceStore(Database db) {
        this.db = db;
    }

    public DeviceRow find(String id) {
        return db.queryOne("SELECT " + COLUMNS + " FROM devices WHERE id = ?", DeviceStore::row, id);
    }

    /**
     * Devices matching every non-null filter, ordered by id: the registry's listing and a
     * rollout's targets.
     */
    public List<DeviceRow> list(String group, String tag, String profile, Boolean online) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM devices d WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (group != null) {
            sql.append(" AND grp = ?");
            args.add(group);
        }
        if (tag != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM device_tags t WHERE t.device_id = d.id AND t.tag = ?)");
            args.add(tag);
        }
        if (profile != null) {
            sql.append(" AND profile = ?");
            args.add(profile);
        }
        if (online != null) {
            sql.append(" AND online = ?");
            args.add(online);
        }
        return db.query(sql.append(" ORDER BY id").toString(), DeviceStore::row, args.toArray());
    }

    /**
     * A device the server has not heard from yet (provisioned, or seen for the first time); false
     * if it exists already (another instance registered it a moment ago).
     */
    public boolean insert(String id, String group) {
        return db.update("INSERT INTO devices (id, grp) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", id, group) == 1;
    }

    /** What a hello says; marks the device online. */
    public void hello(String id, String profile, String version, long counter, String slot, int maxChunk, long now) {
        db.update("UPDATE devices SET profile = ?, version = ?, counter = ?, slot = ?, max_chunk = ?, online = 1,"
                + " first_seen = CASE first_seen WHEN 0 THEN ? ELSE first_seen END, last_seen = ? WHERE id = ?",
                profile, version, counter, slot, maxChunk, now, now, id);
    }

    /** What the device runs after a confirmed update (its next hello says the same). */
    public void running(String id, String version, long counter) {
        db.update("UPDATE devices SET version = ?, counter = CASE WHEN counter > ? THEN counter ELSE ? END WHERE id = ?",
                version, counter, counter, id);
    }

    /**
     * Marks the device offline, unless a hello came after {@code helloBefore}: with several
     * instances, its will (sent when an old connection dropped) may be handled after the hello
     * of its new one, by another instance.
     */
    public void offline(String id, long now, long helloBefore) {
        db.update("UPDATE devices SET online = 0, last_seen = ? WHERE id = ? AND last_seen <= ?", now, id, helloBefore);
    }

    public void setGroup(String id, String group) {
        db.update("UPDATE devices SET grp = ? WHERE id = ?", group, id);
    }

    public void setTags(String id, List<String> tags) {
        db.update("DELETE FROM device_tags WHERE device_id = ?", id);
        for (String t : tags) {
            db.update("INSERT INTO device_tags (device_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", id, t);
        }
    }

    public List<String> tags(String id) {
        return db.query("SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag", rs -> rs.getString(1), id);
    }

    /** Every device's tags, sorted: one query for a whole listing. */
    public Map<String, List<String>> allTags() {
        Map<String, List<String>> out = new HashMap<>();
        db.query("SELECT device_id, tag FROM device_tags ORDER BY device_id, tag", rs -> {
            out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            return null;
        });
        return out;
    }

    public void addHistory(String id, long at, String event, Long job, String detail) {
        db.update("INSERT INTO history (device_id, at, event, job_id, detail) VALUES (?, ?, ?, ?, ?)", id, at, event,
                job, detail);
    }

    /** Oldest first. */
    public List<HistoryEntry> history(String id) {
        return db.query("SELECT at, event, job_id, detail FROM history WHERE device_id = ? ORDER BY id",
                rs -> new HistoryEntry(rs.getLong(1), rs.getString(2), nullableLong(rs, 3), rs.getString(4)), id);
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static DeviceRow row(ResultSet rs) throws SQLException {
        return new DeviceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getString(6), rs.getInt(7), rs.getInt(8) != 0, rs.getLong(9), rs.getLong(10));
    }
}
