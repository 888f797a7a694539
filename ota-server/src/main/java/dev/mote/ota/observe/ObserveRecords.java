package dev.mote.ota.observe;

import java.util.List;
import java.util.Map;

/** What the REST API returns about crashes, logs, metrics and the shell, as JSON field for field. */
public final class ObserveRecords {
    private ObserveRecords() {
    }

    /**
     * Crashes alike: the same fault kind, backtrace function names and version.
     *
     * @param frames the backtrace's function names, innermost first
     * @param count crashes in the group; {@code devices} how many devices had them
     */
    public record CrashGroup(long id, String signature, String kind, List<String> frames, String version, long count,
                             long devices, long firstSeen, long lastSeen) {
    }

    /** One device's share of a group. */
    public record DeviceCount(String device, long count) {
    }

    /** A rollout job a crash failed: the device crashed in the TEST boot of the job's image. */
    public record JobRef(long job, long rollout) {
    }

    public record Crash(long id, String device, long seq, long receivedAt, long uptimeMs, boolean testBoot, Long job,
                        long lost, String record) {
    }

    /** A group with its crashes per device, the jobs they failed, and its newest crashes. */
    public record CrashGroupDetail(CrashGroup group, List<DeviceCount> perDevice, List<JobRef> jobs,
                                   List<Crash> crashes) {
    }

    /** A log line or metrics heartbeat as stored: {@code id} orders them (ask for those after it). */
    public record LogLine(long id, long receivedAt, String line) {
    }

    public record MetricsLine(long id, long receivedAt, Map<String, String> fields) {
    }

    /** What a remote shell command printed; {@code exit} as the device's shell returned it. */
    public record ShellResult(long id, String device, String command, int exit, boolean truncated, String output,
                              long millis) {
    }

    /** One remote shell command in the audit log; {@code exit} null: no answer (yet). */
    public record Audit(long id, String device, String who, long at, String command, Integer exit, Long answeredAt,
                        Long outputBytes) {
    }
}
