package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.store.DeviceRow;
import dev.mote.ota.store.JobState;
import dev.mote.ota.store.RolloutRow;
import dev.mote.ota.store.RolloutState;
import dev.mote.ota.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tinylog.Logger;

/**
 * The rollout engine: one pass ({@link #tick}) over every unfinished rollout, each in its own
 * transaction, in this order:
 * <ol>
 * <li>deadlines: a job in flight longer than the rollout's deadline is FAILED (paused rollouts
 *     too: their jobs in flight go on and are judged the same way);
 * <li>gates, running rollouts only: failures (failed + rolled back) in the current phase above
 *     failureThreshold x the phase's size pause the rollout before anything else is offered;
 *     a phase whose jobs have all ended goes on to the next if confirmed / size reaches
 *     successThreshold, else the rollout pauses; after the last phase it is completed;
 * <li>offers: queued jobs of the current phase whose device is online and free, while fewer
 *     than maxInFlight of the rollout's jobs are in flight, each checked against the device
 *     once more (skipped if it may not take the image).
 * </ol>
 * A phase's size counts its jobs that were not skipped. Everything a pass decides is read from
 * and written to the database in one transaction per rollout, with the rollout's row locked, so
 * a report that arrives mid-pass is seen by the next one, never half-way, and an operator's
 * pause or cancel (on any instance) comes before or after a pass, never inside it.
 *
 * <p>Besides, a job in flight that nothing moved for {@link FleetConfig#nudgeMillis} is offered
 * again to its online device (it resumes, or repeats how the job ended). With several instances
 * only the holder of the engine's lease runs passes ({@link Cluster}), each fenced by it.
 */
final class RolloutEngine {
    private static final double EPSILON = 1e-9;
    private final Store store;
    private final JobActions actions;
    private final Clock clock;
    private final Cluster cluster;
    private final long nudgeMillis;

    RolloutEngine(Store store, JobActions actions, Clock clock, Cluster cluster, long nudgeMillis) {
        this.store = store;
        this.actions = actions;
        this.clock = clock;
        this.cluster = cluster;
        this.nudgeMillis = nudgeMillis;
    }

    void tick() {
        if (!cluster.leads()) {
            return;
        }
        List<RolloutRow> unfinished = store.db().tx(() -> store.rollouts().unfinished());
        for (RolloutRow r : unfinished) {
            try {
                store.db().run(() -> {
                    cluster.fence();
                    step(r.id(), clock.millis());
                });
            } catch (Cluster.LeaseLost e) {
                Logger.warn("rollout engine: {}: pass stopped", e.getMessage());
                return;
            } catch (RuntimeException e) {
                if (store.db().unreachable(e)) {
                    throw e; // all rollouts would fail alike: the loop says it once
                }
                // One broken rollout must not stop the others; the next pass tries it again.
                Logger.error(e, "rollout {}: engine pass failed", r.id());
            }
        }
    }

    private void step(long id, long now) {
        RolloutRow r = store.rollouts().lock(id);
        if (r == null || r.state().finished()) {
            return;
        }
        ImageInfo image = store.images().find(r.image());
        enforceDeadlines(r, now);
        nudge(r, image, now);
        if (r.state() != RolloutState.RUNNING || !passGates(r, now)) {
            return;
        }
        offer(store.rollouts().find(id), image, now);
    }

    private void enforceDeadlines(RolloutRow r, long now) {
        long limit = r.deadlineSeconds() * 1000;
        for (JobInfo j : store.jobs().inFlight(r.id())) {
            if (now - j.offeredAt() >= limit) {
                JobState s = JobState.fromWire(j.state());
                // Before install a cancel stops a pointless download; after it there is nothing
                // to stop: the bootloader confirms or reverts, and a late report is ignored.
                actions.move(j, JobState.FAILED, -1, "deadline: not confirmed within " + r.deadlineSeconds() + "s",
                        now, s.beforeInstall());
            }
        }
    }

    /**
     * Offers again the jobs in flight that nothing moved for nudgeMillis, to devices online: a
     * device resumes a download, or repeats its ending report (which a server that died may have
     * taken from the broker and lost); one that is rebooting ignores it.
     */
    private void nudge(RolloutRow r, ImageInfo image, long now) {
        if (nudgeMillis <= 0) {
            return;
        }
        for (JobInfo j : store.jobs().quietSince(r.id(), now - nudgeMillis)) {
            DeviceRow d = store.devices().find(j.device());
            if (d.online() && store.jobs().touch(j.id(), JobState.fromWire(j.state()), now)) {
                Logger.debug("job {}: quiet for {} ms: offered again to {}", j.id(), now - j.updatedAt(), j.device());
                actions.resend(j, r, image, d.maxChunk());
            }
        }
    }

    /** Applies the failure and success gates; false if the rollout paused or completed. */
    private boolean passGates(RolloutRow r, long now) {
        int phase = r.phase();
        int acked = r.failuresAcked();
        while (phase <= r.phaseCount()) {
            PhaseCounts c = PhaseCounts.of(store.jobs().phaseCounts(r.id(), phase));
            if (overFailureThreshold(r, c, acked)) {
                savePhase(r, phase, acked, now);
                pause(r, now, "phase " + phase + " of " + r.phaseCount() + ": " + c.failures() + " of " + c.size()
                        + " jobs failed or rolled back" + (acked > 0 ? " (" + acked + " accepted on resume)" : "")
                        + ", above the failure threshold of " + percent(r.failureThreshold()) + " ("
                        + allowed(r.failureThreshold(), c.size()) + " allowed)");
                return false;
            }
            if (!c.done()) {
                break;
            }
            if (c.confirmed() < r.successThreshold() * c.size() - EPSILON) {
                savePhase(r, phase, acked, now);
                pause(r, now, "phase " + phase + " of " + r.phaseCount() + " ended with " + c.confirmed() + " of "
                        + c.size() + " confirmed (" + percent((double) c.confirmed() / c.size())
                        + "), below the success threshold of " + percent(r.successThreshold()));
                return false;
            }
            phase++;
            acked = 0;
            if (phase <= r.phaseCount()) {
                Logger.info("rollout {}: phase {} of {} starts", r.id(), phase, r.phaseCount());
            }
        }
        savePhase(r, phase, acked, now);
        if (phase > r.phaseCount()) {
            Map<String, Integer> all = store.rollouts().counts(r.id());
            String summary = "all " + r.phaseCount() + " phases done: " + all.get("confirmed") + " confirmed, "
                    + (all.get("failed") + all.get("rolledback")) + " failed, " + all.get("skipped") + " skipped";
            store.rollouts().setState(r.id(), RolloutState.COMPLETED, summary, now);
            Logger.info("rollout {} completed: {}", r.id(), summary);
            return false;
        }
        return true;
    }

    private void offer(RolloutRow r, ImageInfo image, long now) {
        int free = r.maxInFlight() - store.jobs().inFlight(r.id()).size();
        while (free > 0) {
            List<JobInfo> next = store.jobs().offerable(r.id(), r.phase(), free);
            if (next.isEmpty()) {
                return;
            }
            for (JobInfo j : next) {
                DeviceRow d = store.devices().find(j.device());
                String skip = Eligibility.skipReason(image, d);
                if (skip != null) {
                    actions.move(j, JobState.SKIPPED, -1, skip, now, false);
                } else if (actions.offer(j, r, image, d, now)) {
                    free--;
                }
            }
        }
    }

    private void savePhase(RolloutRow r, int phase, int acked, long now) {
        if (phase != r.phase() || acked != r.failuresAcked()) {
            store.rollouts().setPhase(r.id(), phase, acked, now);
        }
    }

    /** Whether the phase's failures beyond the {@code acked} ones exceed the failure threshold. */
    static boolean overFailureThreshold(RolloutRow r, PhaseCounts c, int acked) {
        return c.failures() - acked > r.failureThreshold() * c.size() + EPSILON;
    }

    private void pause(RolloutRow r, long now, String reason) {
        store.rollouts().setState(r.id(), RolloutState.PAUSED, reason, now);
        Logger.warn("rollout {} paused: {}", r.id(), reason);
    }

    static String percent(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    private static long allowed(double threshold, int size) {
        return (long) Math.floor(threshold * size + EPSILON);
    }

    /** A phase's jobs, as the gates see them. */
    record PhaseCounts(int size, int confirmed, int failures, boolean done) {
        static PhaseCounts of(Map<JobState, Integer> byState) {
            int size = 0;
            int open = 0;
            for (Map.Entry<JobState, Integer> e : byState.entrySet()) {
                if (e.getKey() != JobState.SKIPPED) {
                    size += e.getValue();
                }
                if (!e.getKey().terminal()) {
                    open += e.getValue();
                }
            }
            return new PhaseCounts(size, byState.get(JobState.CONFIRMED),
                    byState.get(JobState.FAILED) + byState.get(JobState.ROLLEDBACK), open == 0);
        }
    }
}
