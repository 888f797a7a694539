package dev.mote.ota.store;

import dev.mote.ota.protocol.JobStatus;
import java.util.Locale;

/**
 * The states of a job (the jobs.state column), in the order a job moves through them. The
 * device's {@link JobStatus}es plus what only the server knows: QUEUED (not offered yet),
 * OFFERED (offer committed and sent, nothing heard yet) and SKIPPED (never offered: wrong
 * profile, lower security counter, already running it).
 */
public enum JobState {
    QUEUED(0),
    OFFERED(1),
    DOWNLOADING(2),
    VERIFYING(3),
    INSTALLED(4),
    REBOOTING(5),
    CONFIRMED(6),
    FAILED(6),
    ROLLEDBACK(6),
    CANCELLED(6),
    SKIPPED(6);

    /** Progress order: a report may only move a job forward (or repeat DOWNLOADING). */
    private final int rank;

    JobState(int rank) {
        this.rank = rank;
    }

    /** The name in the database, in the API and on the wire: lower case ("rolledback"). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int rank() {
        return rank;
    }

    public boolean terminal() {
        return rank == 6;
    }

    /** Offered and not finished: the job counts against maxInFlight and holds the device. */
    public boolean inFlight() {
        return rank >= 1 && rank <= 5;
    }

    /** Not yet written to the device's inactive slot: a cancel can still stop it cleanly. */
    public boolean beforeInstall() {
        return rank >= 1 && rank <= 3;
    }

    /** Ended without a good image running: what the failure threshold counts. */
    public boolean failure() {
        return this == FAILED || this == ROLLEDBACK;
    }

    public static JobState of(JobStatus s) {
        return switch (s) {
            case DOWNLOADING -> DOWNLOADING;
            case VERIFYING -> VERIFYING;
            case INSTALLED -> INSTALLED;
            case REBOOTING -> REBOOTING;
            case CONFIRMED -> CONFIRMED;
            case FAILED -> FAILED;
            case ROLLED_BACK -> ROLLEDBACK;
            case CANCELLED -> CANCELLED;
        };
    }

    public static JobState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** The in-flight states as an SQL list: {@code ('offered','downloading',...)}. */
    public static final String IN_FLIGHT_SQL = "('offered','downloading','verifying','installed','rebooting')";
}
