package dev.mote.ota.fleet;

import java.util.List;
import java.util.Map;

/** The values the {@link Fleet} API takes and returns (the REST API's JSON bodies, field for field). */
public final class Records {
    private Records() {
    }

    /** A stored image: its content address and what its signed header says. */
    public record ImageInfo(String sha256, long size, String profile, String arch, String app, String version,
                            long securityCounter, String keyId, long uploadedAt) {
    }

    /**
     * A device. {@code lastSeen}/{@code firstSeen} are epoch milliseconds (0: never seen);
     * profile/version/slot are null until its first hello.
     */
    public record DeviceInfo(String id, String group, List<String> tags, String profile, String version,
                             long securityCounter, String slot, boolean online, long firstSeen, long lastSeen,
                             Long activeJob) {
    }

    /** Filter for {@link Fleet#devices}: null fields match all. */
    public record DeviceFilter(String group, String tag, String profile, Boolean online) {
        public static final DeviceFilter ALL = new DeviceFilter(null, null, null, null);
    }

    /** One event in a device's history (hello with a new version, job states, rollout events). */
    public record HistoryEntry(long at, String event, Long job, String detail) {
    }

    /**
     * What to roll out, to whom, and how carefully.
     *
     * @param image SHA-256 (or unique prefix) of an uploaded image
     * @param group devices in this group (null: any group)
     * @param tag devices with this tag (null: any); group and tag both null targets every device
     * @param phases cumulative phase sizes, each a device count ("10") or a percentage of the
     *     targeted devices ("50%"); the last must reach 100%. E.g. ["10", "50%", "100%"]: a canary
     *     of 10 devices, then up to half, then all.
     * @param maxInFlight at most this many jobs between offered and confirmed at once (>= 1)
     * @param deadlineSeconds a job not confirmed this long after its offer is FAILED
     * @param successThreshold fraction (0..1] of a phase's jobs that must be CONFIRMED for the
     *     rollout to go on to the next phase once the phase has finished; below it, it pauses
     * @param failureThreshold fraction [0..1) of a phase's jobs allowed to fail; one more and
     *     the rollout pauses at once, offering nothing more
     */
    public record RolloutSpec(String name, String image, String group, String tag, List<String> phases,
                              int maxInFlight, long deadlineSeconds, double successThreshold,
                              double failureThreshold) {
    }

    /**
     * A rollout and its progress. {@code state}: running, paused, cancelled, completed.
     * {@code phase}: the current phase, counted from 1 (phaseCount when completed).
     * {@code counts}: jobs per job state (queued, offered, downloading, verifying, installed,
     * rebooting, confirmed, failed, rolledback, cancelled, skipped).
     */
    public record RolloutInfo(long id, String name, String image, String version, String group, String tag,
                              List<String> phases, int maxInFlight, long deadlineSeconds, double successThreshold,
                              double failureThreshold, String state, String reason, int phase, int phaseCount,
                              int devices, Map<String, Integer> counts, long createdAt, long updatedAt) {
    }

    /** One device's part in a rollout; {@code phase} counts from 1 (0: skipped at creation). */
    public record JobInfo(long id, long rollout, String device, int phase, String state, long bytes,
                          String reason, long offeredAt, long updatedAt) {
    }

    /**
     * A query of the device list (the dashboard's, GET /api/device-page): null fields match
     * everything. {@code text} is found in the id, version or group; {@code state} is an update
     * state (see {@link ListedDevice}); {@code limit} devices from {@code offset}, by id.
     */
    public record DeviceQuery(String text, String group, String tag, String profile, String version, Boolean online,
                              String state, int offset, int limit) {
    }

    /**
     * A device as the list shows it. {@code updateState}: the state of its latest job (queued ..
     * confirmed, failed, rolledback, cancelled, skipped), or "none" if no rollout ever targeted it;
     * {@code rollout}: that job's rollout (null without one).
     */
    public record ListedDevice(String id, String group, List<String> tags, String profile, String version,
                               long securityCounter, String slot, boolean online, long lastSeen, String updateState,
                               Long rollout) {
    }

    /** One page of the device list, and how many devices match the query in all. */
    public record DevicePage(int total, int offset, int limit, List<ListedDevice> devices) {
    }

    /**
     * The fleet at a glance: devices in all and online; devices per version, profile, group
     * (the 20 most common of each; "" for none) and update state; the unfinished rollouts.
     */
    public record Overview(int devices, int online, Map<String, Integer> versions, Map<String, Integer> profiles,
                           Map<String, Integer> groups, Map<String, Integer> updateStates,
                           List<RolloutInfo> rollouts) {
    }

    /**
     * One phase of a rollout: its number (0 holds the jobs skipped when the rollout was created),
     * its cumulative size as written ("10", "50%"; null for 0), its jobs that were not skipped,
     * and its jobs per state (every state, zeros included).
     */
    public record PhaseProgress(int phase, String target, int jobs, Map<String, Integer> counts) {
    }

    /** A rollout with its phases' progress. */
    public record RolloutProgress(RolloutInfo rollout, List<PhaseProgress> phases) {
    }

    /**
     * What a live view needs now, cheap to compute: a number that moves whenever anything a
     * view shows may have changed, devices in all and online, and the progress of the rollouts
     * asked about and of every unfinished one.
     */
    public record Pulse(long changes, int devices, int online, List<RolloutProgress> rollouts) {
    }
}
