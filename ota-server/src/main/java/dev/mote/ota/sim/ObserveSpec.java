package dev.mote.ota.sim;

import java.time.Duration;

/**
 * What a simulated device tells about itself, as the device's identity and the agent's settings
 * say (docs/ota-protocol.md, "Crash records", "Logs", "Metrics", "Remote shell").
 *
 * @param remoteShell the identity record enables the remote shell (flags bit 0); off, the
 *     device ignores every shell command
 * @param metricsEvery the heartbeat's interval; zero for none
 * @param logLevel records at or above this importance are shipped (1 error .. 4 debug; 0 none)
 * @param logBatchEvery at most one log batch per this interval (the rate limit)
 */
public record ObserveSpec(boolean remoteShell, Duration metricsEvery, int logLevel, Duration logBatchEvery) {
    /** The device's defaults: no remote shell, a heartbeat every 5 minutes, warnings and errors every 5 s. */
    public static final ObserveSpec DEFAULTS = new ObserveSpec(false, Duration.ofMinutes(5), 2, Duration.ofSeconds(5));

    public ObserveSpec withRemoteShell(boolean on) {
        return new ObserveSpec(on, metricsEvery, logLevel, logBatchEvery);
    }

    public ObserveSpec withMetricsEvery(Duration d) {
        return new ObserveSpec(remoteShell, d, logLevel, logBatchEvery);
    }

    public ObserveSpec withLogs(int level, Duration every) {
        return new ObserveSpec(remoteShell, metricsEvery, level, every);
    }
}
