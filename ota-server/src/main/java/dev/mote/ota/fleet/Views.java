package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.DevicePage;
import dev.mote.ota.fleet.Records.DeviceQuery;
import dev.mote.ota.fleet.Records.ListedDevice;
import dev.mote.ota.fleet.Records.Overview;
import dev.mote.ota.fleet.Records.PhaseProgress;
import dev.mote.ota.fleet.Records.Pulse;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutProgress;
import dev.mote.ota.store.DeviceRow;
import dev.mote.ota.store.JobState;
import dev.mote.ota.store.RolloutRow;
import dev.mote.ota.store.Store;
import dev.mote.ota.store.ViewStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The dashboard's read-only views of the fleet (Fleet#overview, #devicePage, #phases, #pulse):
 * each one transaction on the store's {@link ViewStore} queries, nothing kept in memory.
 */
final class Views {
    /** The most devices one page may hold. */
    static final int MAX_PAGE = 500;
    private static final int MAX_TEXT = 64;
    private static final int TOP = 20;
    private final Store store;
    private final ViewStore views;
    private final Rollouts rollouts;

    Views(Store store, Rollouts rollouts) {
        this.store = store;
        this.views = store.views();
        this.rollouts = rollouts;
    }

    Overview overview() {
        return store.db().tx(() -> {
            int[] totals = views.totals();
            List<RolloutInfo> open = new ArrayList<>();
            for (RolloutRow r : store.rollouts().unfinished()) {
                open.add(rollouts.get(r.id()));
            }
            return new Overview(totals[0], totals[1], views.countBy("version", TOP), views.countBy("profile", TOP),
                    views.countBy("group", TOP), views.countByUpdateState(), open);
        });
    }

    DevicePage devicePage(DeviceQuery q) {
        ViewStore.DeviceQuery query = check(q);
        return store.db().tx(() -> {
            int total = views.count(query);
            List<ViewStore.ListedRow> rows = views.page(query, q.offset(), q.limit());
            Map<String, List<String>> tags = views.tags(rows.stream().map(r -> r.device().id()).toList());
            List<ListedDevice> out = new ArrayList<>(rows.size());
            for (ViewStore.ListedRow r : rows) {
                DeviceRow d = r.device();
                out.add(new ListedDevice(d.id(), d.group(), tags.getOrDefault(d.id(), List.of()), d.profile(),
                        d.version(), d.counter(), d.slot(), d.online(), d.lastSeen(), r.updateState(), r.rollout()));
            }
            return new DevicePage(total, q.offset(), q.limit(), out);
        });
    }

    List<PhaseProgress> phases(long rollout) {
        return store.db().tx(() -> progress(rollout));
    }

    long changes() {
        return store.db().tx(views::changes);
    }

    Pulse pulse(Collection<Long> asked) {
        return store.db().tx(() -> {
            TreeSet<Long> ids = new TreeSet<>();
            for (RolloutRow r : store.rollouts().unfinished()) {
                ids.add(r.id());
            }
            for (Long id : asked) {
                if (id != null && store.rollouts().find(id) != null) {
                    ids.add(id);
                }
            }
            List<RolloutProgress> out = new ArrayList<>();
            for (long id : ids) {
                out.add(new RolloutProgress(rollouts.get(id), progress(id)));
            }
            int[] totals = views.totals();
            return new Pulse(views.changes(), totals[0], totals[1], out);
        });
    }

    private List<PhaseProgress> progress(long id) {
        RolloutRow r = store.rollouts().find(id);
        if (r == null) {
            throw FleetException.notFound("rollout " + id + ": no such rollout");
        }
        List<Map<String, Integer>> counts = views.phaseCounts(id, r.phaseCount());
        List<PhaseProgress> out = new ArrayList<>();
        for (int p = 0; p < counts.size(); p++) {
            Map<String, Integer> c = counts.get(p);
            int jobs = c.values().stream().mapToInt(Integer::intValue).sum() - c.get(JobState.SKIPPED.wire());
            out.add(new PhaseProgress(p, p == 0 ? null : r.phases().get(p - 1), jobs, c));
        }
        return out;
    }

    private static ViewStore.DeviceQuery check(DeviceQuery q) {
        if (q.limit() < 1 || q.limit() > MAX_PAGE) {
            throw FleetException.badRequest("limit: 1 to " + MAX_PAGE + " devices a page, got " + q.limit());
        }
        if (q.offset() < 0) {
            throw FleetException.badRequest("offset: 0 or more, got " + q.offset());
        }
        String text = blankToNull(q.text());
        if (text != null && text.length() > MAX_TEXT) {
            throw FleetException.badRequest("search text: at most " + MAX_TEXT + " characters");
        }
        String state = blankToNull(q.state());
        if (state != null && !state.equals(ViewStore.NONE) && !isJobState(state)) {
            throw FleetException.badRequest("state: '" + state + "' is not an update state (none, queued, offered,"
                    + " downloading, verifying, installed, rebooting, confirmed, failed, rolledback, cancelled,"
                    + " skipped)");
        }
        return new ViewStore.DeviceQuery(text, blankToNull(q.group()), blankToNull(q.tag()), blankToNull(q.profile()),
                blankToNull(q.version()), q.online(), state);
    }

    private static boolean isJobState(String s) {
        for (JobState j : JobState.values()) {
            if (j.wire().equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
