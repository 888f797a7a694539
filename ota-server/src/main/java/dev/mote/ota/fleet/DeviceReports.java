package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.StateReport;
import dev.mote.ota.store.JobState;
import dev.mote.ota.store.RolloutRow;
import dev.mote.ota.store.Store;
import org.tinylog.Logger;

/**
 * What a device's hello and state reports mean for its job, inside the caller's transaction.
 * Reports may come late, twice or out of order (QoS 1 redelivers, a device reconnects), so a
 * report counts only if it is about the device's job in flight and moves it forward; a device
 * still busy with a job the server has ended is told to cancel it.
 */
final class DeviceReports {
    private final Store store;
    private final JobActions actions;
    private final Complaints complaints;

    DeviceReports(Store store, JobActions actions, Complaints complaints) {
        this.store = store;
        this.actions = actions;
        this.complaints = complaints;
    }

    /**
     * After a hello: a job not yet installed gets its offer again (the device resumes from the
     * {@code have} bytes it holds); an installed or rebooting one waits for the device's
     * confirmed or rolledback report, or its deadline.
     */
    void hello(String device, Hello h, long now) {
        JobInfo j = store.jobs().inFlightOf(device);
        if (h.job() > 0 && (j == null || j.id() != h.job())) {
            // It holds part of a job that is over (cancelled, failed its deadline, ...).
            actions.cancelOnDevice(device, h.job());
        }
        if (j != null && JobState.fromWire(j.state()).beforeInstall()) {
            if (h.job() == j.id()) {
                store.jobs().setBytes(j.id(), h.have(), now);
            }
            RolloutRow r = store.rollouts().find(j.rollout());
            actions.resend(j, r, store.images().find(r.image()), h.maxChunk());
        }
    }

    /**
     * Applies a state report; returns whether it ended the job (the engine then looks again). A
     * report that lost a race to another change of the job (on another instance) is weighed
     * again against what the job has become.
     */
    boolean state(String device, StateReport report, long now) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Boolean ended = apply(device, report, now);
            if (ended != null) {
                return ended;
            }
        }
        Logger.debug("job {}: {} report: the job kept changing under it; ignored", report.job(), report.status());
        return false;
    }

    /** {@link #state}, once: null when the job moved between reading and writing it. */
    private Boolean apply(String device, StateReport report, long now) {
        JobInfo j = store.jobs().find(report.job());
        if (j == null || !j.device().equals(device)) {
            complaints.complain(device, Complaints.Cause.UNKNOWN_JOB, "state report for job " + report.job()
                    + ", which is not its job: ignored");
            if (j == null && !report.status().terminal()) {
                actions.cancelOnDevice(device, report.job());
            }
            return false;
        }
        JobState current = JobState.fromWire(j.state());
        JobState to = JobState.of(report.status());
        if (!current.inFlight()) {
            Logger.debug("job {}: {} report while {}: ignored", j.id(), to.wire(), current.wire());
            if (!report.status().terminal()) {
                actions.cancelOnDevice(device, j.id());
            }
            return false;
        }
        if (to == JobState.DOWNLOADING && current == JobState.DOWNLOADING) {
            store.jobs().setBytes(j.id(), report.offset(), now);
            return false;
        }
        if (to.rank() <= current.rank()) {
            Logger.debug("job {}: {} report after {}: stale, ignored", j.id(), to.wire(), current.wire());
            return false;
        }
        String reason = report.reason();
        long bytes = to == JobState.DOWNLOADING ? report.offset() : -1;
        if (to == JobState.CONFIRMED) {
            ImageInfo image = store.images().find(store.rollouts().find(j.rollout()).image());
            if (image.version().equals(report.version())) {
                bytes = image.size();
            } else {
                // A confirm of the image it already ran is not an update.
                to = JobState.FAILED;
                reason = "confirmed, but runs " + (report.version() == null ? "an unnamed version" : report.version())
                        + ", not " + image.version();
            }
        } else if (to == JobState.FAILED && reason == null) {
            reason = "the device reported a failure without a reason";
        } else if (to == JobState.ROLLEDBACK && reason == null) {
            reason = "the new image did not confirm; back on " + (report.version() == null ? "the old image"
                    : report.version());
        }
        if (!actions.move(j, to, bytes, reason, now, false)) {
            return null;
        }
        if (to == JobState.CONFIRMED) {
            ImageInfo image = store.images().find(store.rollouts().find(j.rollout()).image());
            store.devices().running(device, image.version(), image.securityCounter());
        }
        return to.terminal();
    }
}
