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
}
