package dev.mote.ota.fleet;

import java.util.Collection;
import java.util.List;

/**
 * Everything the REST API and the CLI can do to the fleet (docs/ota-server.md). One
 * implementation, backed by the SQLite database; every method is thread-safe, and every change
 * is committed to the database before the method returns (kill -9 loses nothing it returned).
 * Refusals are {@link FleetException}s whose message says what to fix.
 */
public interface Fleet {
    /**
     * Stores a signed image after checking it: structure, SHA-256, and the signature against the
     * server's trusted keys (the SDK's Verifier). Content-addressed: uploading the same bytes twice
     * returns the same record.
     */
    Records.ImageInfo upload(byte[] image);

    List<Records.ImageInfo> images();

    /** The image with this SHA-256 (or a unique prefix of at least 8 hex digits of it). */
    Records.ImageInfo image(String shaOrPrefix);

    /** Devices matching the filter (null fields match everything), ordered by id. */
    List<Records.DeviceInfo> devices(Records.DeviceFilter filter);

    Records.DeviceInfo device(String id);

    /**
     * Creates (or updates) a device entry before it is seen, with its group and tags; a device
     * that says hello with valid credentials appears without this.
     */
    Records.DeviceInfo provision(String id, String group, List<String> tags);

    /**
     * Provisions several devices with one group and tags: all of them or, if any id, the group or
     * a tag is refused, none (nothing is written before everything is checked).
     */
    List<Records.DeviceInfo> provision(List<String> ids, String group, List<String> tags);

    /** Sets a device's group (null: none) and replaces its tags. */
    Records.DeviceInfo label(String id, String group, List<String> tags);

    /** The device's update history, oldest first. */
    List<Records.HistoryEntry> history(String id);

    /** Creates a rollout and starts it (state RUNNING); see {@link Records.RolloutSpec}. */
    Records.RolloutInfo createRollout(Records.RolloutSpec spec);

    List<Records.RolloutInfo> rollouts();

    Records.RolloutInfo rollout(long id);

    /** The rollout's jobs, one per targeted device. */
    List<Records.JobInfo> jobs(long rolloutId);

    Records.RolloutInfo pause(long id, String reason);

    Records.RolloutInfo resume(long id);

    /** Cancels the rollout: queued jobs never start, jobs in flight are told to stop. */
    Records.RolloutInfo cancel(long id);

    /**
     * Null while the database commits, else why it cannot (a full disk: the last write failed,
     * or almost no space is left). What GET /api/health reports.
     */
    String storeProblem();

    // ---- Views for the dashboard (docs/ota-server.md, "Dashboard"): read only ----

    /** The fleet at a glance: counts by version, profile, group, online, update state; running rollouts. */
    Records.Overview overview();

    /** One page of the devices matching {@code query}, by id, and how many match in all. */
    Records.DevicePage devicePage(Records.DeviceQuery query);

    /** The rollout's phases, each with its jobs per state. */
    List<Records.PhaseProgress> phases(long rolloutId);

    /** A number that moves whenever anything the views show may have changed (cheap to ask). */
    long changes();

    /** Devices in all and online, and the progress of the unfinished rollouts and of {@code rollouts}. */
    Records.Pulse pulse(Collection<Long> rollouts);
}
