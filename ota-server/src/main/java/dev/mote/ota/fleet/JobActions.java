package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.store.Database;
import dev.mote.ota.store.DeviceRow;
import dev.mote.ota.store.JobState;
import dev.mote.ota.store.RolloutRow;
import dev.mote.ota.store.Store;
import org.tinylog.Logger;

/**
 * Every change of a job's state goes through here, inside the caller's transaction: the row,
 * the device's history entry, and (after the commit) the in-memory active-job map and the
 * message to the device. Keeping the three in one place is what keeps them in step.
 */
final class JobActions {
    private final Store store;
    private final Database db;
    private final ActiveJobs active;
    private final Outbox outbox;
    private final FleetConfig config;

    JobActions(Store store, ActiveJobs active, Outbox outbox, FleetConfig config) {
        this.store = store;
        this.db = store.db();
        this.active = active;
        this.outbox = outbox;
        this.config = config;
    }

    /**
     * Offers a queued job to its (online, free) device: committed as OFFERED with the offer
     * time the deadline counts from, then sent. False if it was no longer queued (cancelled a
     * moment ago on another instance).
     */
    boolean offer(JobInfo job, RolloutRow r, ImageInfo image, DeviceRow device, long now) {
        if (!store.jobs().move(job.id(), JobState.QUEUED, JobState.OFFERED, 0, null, now, now)) {
            return false;
        }
        store.devices().addHistory(job.device(), now, JobState.OFFERED.wire(), job.id(), "rollout " + r.id() + " '"
                + r.name() + "': " + image.app() + " " + image.version() + " (counter " + image.securityCounter()
                + "), image " + image.sha256().substring(0, 12));
        Offer offer = offerFor(job.id(), r, image, device.maxChunk());
        db.afterCommit(() -> {
            active.put(job.device(), job.id(), image.sha256(), offer.chunk(), offer.window());
            outbox.offer(job.device(), offer);
        });
        Logger.debug("job {}: offered {} to {}", job.id(), image.version(), job.device());
        return true;
    }

    /** Sends the offer of a job in flight again: the device resumes from what it holds. */
    void resend(JobInfo job, RolloutRow r, ImageInfo image, int maxChunk) {
        Offer offer = offerFor(job.id(), r, image, maxChunk);
        db.afterCommit(() -> outbox.offer(job.device(), offer));
    }

    /**
     * Moves a job from the state it was read in to {@code to} (with the bytes held, or -1 to keep
     * them, and the reason if any) and records it in the device's history. A terminal state frees
     * the device; with {@code tellDevice} the device is also sent a cancel. False, and nothing
     * done, when the job is no longer in the state it was read in (another transaction, another
     * instance's, moved it first).
     */
    boolean move(JobInfo job, JobState to, long bytes, String reason, long now, boolean tellDevice) {
        if (!store.jobs().move(job.id(), JobState.fromWire(job.state()), to, bytes, reason, -1, now)) {
            return false;
        }
        store.devices().addHistory(job.device(), now, to.wire(), job.id(), reason);
        db.afterCommit(() -> {
            if (to.terminal()) {
                active.remove(job.device(), job.id());
            }
            if (tellDevice) {
                outbox.cancel(job.device(), job.id());
            }
        });
        if (to.failure()) {
            Logger.info("job {} on {}: {}{}", job.id(), job.device(), to.wire(), reason == null ? "" : ": " + reason);
        }
        return true;
    }

    /** Tells a device to drop a job the server no longer wants it to work on. */
    void cancelOnDevice(String device, long job) {
        db.afterCommit(() -> outbox.cancel(device, job));
    }

    /**
     * The device's job in flight {@code job} as the database has it (another instance offered it,
     * or this one's memory is old), with the chunking its offer named; null when it is not.
     */
    ActiveJobs.Active lookUp(String device, long job) {
        return db.tx(() -> {
            JobInfo j = store.jobs().find(job);
            if (j == null || !j.device().equals(device) || !JobState.fromWire(j.state()).inFlight()) {
                return null;
            }
            DeviceRow d = store.devices().find(device);
            return new ActiveJobs.Active(job, store.rollouts().find(j.rollout()).image(), chunkFor(d.maxChunk()),
                    config.window(), System.nanoTime());
        });
    }

    /** The chunk size an offer names for a device of {@code maxChunk} (0: unknown). */
    int chunkFor(int maxChunk) {
        int chunk = config.chunkSize();
        return maxChunk > 0 ? Math.max(Chunk.MIN_DATA, Math.min(chunk, maxChunk)) : chunk;
    }

    private Offer offerFor(long job, RolloutRow r, ImageInfo image, int maxChunk) {
        return new Offer(job, image.sha256(), image.size(), image.version(), image.securityCounter(),
                chunkFor(maxChunk), config.window(), r.deadlineSeconds());
    }
}
