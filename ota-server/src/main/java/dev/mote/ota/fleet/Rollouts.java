package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.store.Database;
import dev.mote.ota.store.DeviceRow;
import dev.mote.ota.store.JobState;
import dev.mote.ota.store.JobStore.NewJob;
import dev.mote.ota.store.RolloutRow;
import dev.mote.ota.store.RolloutState;
import dev.mote.ota.store.RolloutStore;
import dev.mote.ota.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Creating rollouts and the operator's controls (pause, resume, cancel). Creation resolves the
 * target into one job per device at once: devices that may not take the image are SKIPPED
 * with the reason, the others are put in phases in device id order (so the canary is the same
 * devices however often the plan is computed). Devices that join the group later are not added.
 */
final class Rollouts {
    private final Store store;
    private final Database db;
    private final ImageRepository images;
    private final JobActions actions;
    private final Clock clock;
    private final Runnable wake;

    Rollouts(Store store, ImageRepository images, JobActions actions, Clock clock, Runnable wake) {
        this.store = store;
        this.db = store.db();
        this.images = images;
        this.actions = actions;
        this.clock = clock;
        this.wake = wake;
    }

    RolloutInfo create(RolloutSpec spec) {
        if (spec == null) {
            throw FleetException.badRequest("rollout: no spec given");
        }
        List<String> phases = Phases.check(spec.phases() == null || spec.phases().isEmpty() ? List.of("100%")
                : spec.phases());
        checkNumbers(spec);
        ImageInfo image = image(spec.image());
        String name = blankToNull(spec.name());
        if (name != null && (name.length() > Limits.MAX_NAME || !name.chars().allMatch(c -> c >= 0x20 && c != 0x7f))) {
            throw FleetException.badRequest("name: at most " + Limits.MAX_NAME + " printable characters");
        }
        String group = blankToNull(spec.group());
        String tag = blankToNull(spec.tag());
        return db.tx(() -> {
            List<DeviceRow> targets = store.devices().list(group, tag, null, null);
            if (targets.isEmpty()) {
                throw FleetException.badRequest(group == null && tag == null ? "no devices: none has said hello or"
                        + " been provisioned yet" : "no device matches " + target(group, tag));
            }
            List<NewJob> jobs = new ArrayList<>();
            List<DeviceRow> eligible = new ArrayList<>();
            for (DeviceRow d : targets) {
                String skip = Eligibility.skipReason(image, d);
                if (skip != null) {
                    jobs.add(new NewJob(d.id(), 0, JobState.SKIPPED, skip));
                } else {
                    eligible.add(d);
                }
            }
            int[] phaseOf = Phases.assign(phases, eligible.size());
            for (int i = 0; i < phaseOf.length; i++) {
                jobs.add(new NewJob(eligible.get(i).id(), phaseOf[i], JobState.QUEUED, null));
            }
            long now = clock.millis();
            String n = name != null ? name : image.app() + " " + image.version();
            long id = store.rollouts().insert(new RolloutRow(0, n, image.sha256(), group, tag, phases,
                    spec.maxInFlight(), spec.deadlineSeconds(), spec.successThreshold(), spec.failureThreshold(),
                    RolloutState.RUNNING, null, 1, phases.size(), 0, now, now));
            store.jobs().insertAll(id, jobs, now);
            for (JobInfo j : store.jobs().ofRollout(id)) {
                if (j.state().equals(JobState.SKIPPED.wire())) {
                    store.devices().addHistory(j.device(), now, j.state(), j.id(), j.reason());
                }
            }
            db.afterCommit(wake);
            Logger.info("rollout {} '{}' created: {} to {} devices of {} ({} skipped), phases {}", id, n,
                    image.version(), eligible.size(), target(group, tag), targets.size() - eligible.size(), phases);
            return info(id);
        });
    }

    List<RolloutInfo> all() {
        return db.tx(() -> {
            Map<Long, Map<String, Integer>> counts = store.rollouts().allCounts();
            List<RolloutInfo> out = new ArrayList<>();
            for (RolloutRow r : store.rollouts().all()) {
                out.add(info(r, counts.getOrDefault(r.id(), RolloutStore.emptyCounts())));
            }
            return out;
        });
    }

    RolloutInfo get(long id) {
        return db.tx(() -> info(id));
    }

    List<JobInfo> jobs(long id) {
        return db.tx(() -> {
            find(id);
            return store.jobs().ofRollout(id);
        });
    }

    RolloutInfo pause(long id, String reason) {
        if (reason != null && !reason.isBlank()) {
            checkReason(reason.trim());
        }
        return db.tx(() -> {
            RolloutRow r = lock(id);
            if (r.state() != RolloutState.RUNNING) {
                throw FleetException.conflict("rollout " + id + " is " + r.state().wire()
                        + ": only a running rollout can be paused");
            }
            String why = blankToNull(reason) == null ? "paused by the operator" : checkReason(reason.trim());
            store.rollouts().setState(id, RolloutState.PAUSED, why, clock.millis());
            Logger.info("rollout {} paused: {}", id, why);
            return info(id);
        });
    }

    /**
     * Resumes a paused rollout. Resuming is the operator's judgement on what paused it: if the
     * failure threshold did, the current phase's failures so far are accepted (the threshold
     * applies to new ones); if the phase has ended below its success threshold, the next phase
     * starts.
     */
    RolloutInfo resume(long id) {
        return db.tx(() -> {
            RolloutRow r = lock(id);
            if (r.state() != RolloutState.PAUSED) {
                throw FleetException.conflict("rollout " + id + " is " + r.state().wire()
                        + ": only a paused rollout can be resumed");
            }
            RolloutEngine.PhaseCounts c = RolloutEngine.PhaseCounts.of(store.jobs().phaseCounts(id, r.phase()));
            int phase = r.phase();
            int acked = r.failuresAcked();
            if (RolloutEngine.overFailureThreshold(r, c, acked)) {
                acked = c.failures();
            }
            if (c.done()) {
                phase++;
                acked = 0;
            }
            long now = clock.millis();
            store.rollouts().setPhase(id, phase, acked, now);
            store.rollouts().setState(id, RolloutState.RUNNING, null, now);
            db.afterCommit(wake);
            Logger.info("rollout {} resumed at phase {}", id, Math.min(phase, r.phaseCount()));
            return info(id);
        });
    }

    /** Cancels a rollout: queued jobs never start, jobs in flight are cancelled on the device. */
    RolloutInfo cancel(long id) {
        return db.tx(() -> {
            RolloutRow r = lock(id);
            if (r.state().finished()) {
                throw FleetException.conflict("rollout " + id + " is already " + r.state().wire());
            }
            long now = clock.millis();
            for (JobInfo j : store.jobs().queued(id)) {
                actions.move(j, JobState.CANCELLED, -1, "rollout cancelled", now, false);
            }
            for (JobInfo j : store.jobs().inFlight(id)) {
                actions.move(j, JobState.CANCELLED, -1, "rollout cancelled", now, true);
            }
            store.rollouts().setState(id, RolloutState.CANCELLED, "cancelled by the operator", now);
            Logger.info("rollout {} cancelled", id);
            return info(id);
        });
    }

    /** The rollout, locked until the transaction ends: the engine's pass and other controls wait. */
    private RolloutRow lock(long id) {
        RolloutRow r = store.rollouts().lock(id);
        if (r == null) {
            throw FleetException.notFound("rollout " + id + ": no such rollout");
        }
        return r;
    }

    private RolloutRow find(long id) {
        RolloutRow r = store.rollouts().find(id);
        if (r == null) {
            throw FleetException.notFound("rollout " + id + ": no such rollout");
        }
        return r;
    }

    private RolloutInfo info(long id) {
        return info(find(id), store.rollouts().counts(id));
    }

    private RolloutInfo info(RolloutRow r, Map<String, Integer> counts) {
        ImageInfo image = store.images().find(r.image());
        int devices = counts.values().stream().mapToInt(Integer::intValue).sum();
        return new RolloutInfo(r.id(), r.name(), r.image(), image.version(), r.group(), r.tag(), r.phases(),
                r.maxInFlight(), r.deadlineSeconds(), r.successThreshold(), r.failureThreshold(), r.state().wire(),
                r.reason(), Math.min(r.phase(), r.phaseCount()), r.phaseCount(), devices, counts, r.createdAt(),
                r.updatedAt());
    }

    private ImageInfo image(String image) {
        if (image == null || image.isBlank()) {
            throw FleetException.badRequest("image: required (the SHA-256, or a prefix of it, of an uploaded image)");
        }
        try {
            return images.image(image.trim());
        } catch (FleetException e) {
            throw FleetException.badRequest(e.getMessage());
        }
    }

    /** A pause reason: at most Limits.MAX_REASON printable characters. */
    private static String checkReason(String reason) {
        if (reason.length() > Limits.MAX_REASON || !reason.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw FleetException.badRequest("reason: at most " + Limits.MAX_REASON + " printable characters (got "
                    + reason.length() + ")");
        }
        return reason;
    }

    private static void checkNumbers(RolloutSpec s) {
        if (s.maxInFlight() < 1) {
            throw FleetException.badRequest("maxInFlight: must be at least 1, got " + s.maxInFlight());
        }
        if (s.maxInFlight() > Limits.MAX_IN_FLIGHT) {
            throw FleetException.badRequest("maxInFlight: at most " + Limits.MAX_IN_FLIGHT + ", got "
                    + s.maxInFlight());
        }
        if (s.deadlineSeconds() < 1) {
            throw FleetException.badRequest("deadlineSeconds: must be at least 1, got " + s.deadlineSeconds());
        }
        if (s.deadlineSeconds() > Limits.MAX_DEADLINE_SECONDS) {
            throw FleetException.badRequest("deadlineSeconds: at most " + Limits.MAX_DEADLINE_SECONDS
                    + " (30 days), got " + s.deadlineSeconds());
        }
        if (!(s.successThreshold() > 0 && s.successThreshold() <= 1)) {
            throw FleetException.badRequest("successThreshold: a fraction above 0 and at most 1 (0.9 = 90%), got "
                    + s.successThreshold());
        }
        if (!(s.failureThreshold() >= 0 && s.failureThreshold() < 1)) {
            throw FleetException.badRequest("failureThreshold: a fraction from 0 to below 1 (0.1 = 10%), got "
                    + s.failureThreshold());
        }
    }

    private static String target(String group, String tag) {
        if (group == null && tag == null) {
            return "all devices";
        }
        return (group != null ? "group '" + group + "'" : "") + (group != null && tag != null ? " and " : "")
                + (tag != null ? "tag '" + tag + "'" : "");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
