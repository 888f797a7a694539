package dev.mote.ota.rest;

import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.Records;
import dev.mote.ota.store.JobState;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read-only routes the dashboard's views use (docs/ota-server.md, "Dashboard"), called from
 * {@link Routes}: a page of the device list, and a rollout's jobs filtered by state. The query
 * comes decoded from Routes, which refuses parameters not named here; an empty value means "any".
 * The form of each value is checked here, the values themselves by the fleet.
 */
final class ViewRoutes {
    /** Devices a page holds when the query does not say. */
    static final int DEFAULT_PAGE = 50;
    static final Set<String> PAGE_PARAMETERS = Set.of("q", "group", "tag", "profile", "version", "online", "state",
            "offset", "limit");
    static final Set<String> JOB_PARAMETERS = Set.of("state", "limit");
    private static final Set<String> JOB_STATES = Arrays.stream(JobState.values()).map(JobState::wire)
            .collect(Collectors.toUnmodifiableSet());

    private ViewRoutes() {
    }

    /** GET /api/device-page?q=&group=&tag=&profile=&version=&online=&state=&offset=&limit= */
    static Records.DevicePage devicePage(Fleet fleet, Map<String, String> q) {
        return fleet.devicePage(new Records.DeviceQuery(value(q, "q"), value(q, "group"), value(q, "tag"),
                value(q, "profile"), value(q, "version"), bool(q, "online"), value(q, "state"),
                number(q, "offset", 0), number(q, "limit", DEFAULT_PAGE)));
    }

    /**
     * GET /api/rollouts/ID/jobs?state=failed,rolledback&limit=100: the rollout's jobs, only those
     * in the given states (all without {@code state}), at most {@code limit} (all without it).
     */
    static List<Records.JobInfo> jobs(List<Records.JobInfo> all, Map<String, String> q) {
        String states = value(q, "state");
        int limit = number(q, "limit", Integer.MAX_VALUE);
        if (limit < 1) {
            throw FleetException.badRequest("limit: 1 or more, got " + limit);
        }
        if (states == null && limit == Integer.MAX_VALUE) {
            return all;
        }
        Set<String> wanted = states == null ? null : Set.of(states.split(",", -1));
        if (wanted != null && !JOB_STATES.containsAll(wanted)) {
            throw FleetException.badRequest("state: job states separated by commas (" + String.join(", ",
                    JobState.QUEUED.wire(), "...", JobState.SKIPPED.wire()) + "), got '" + shorten(states) + "'");
        }
        return all.stream().filter(j -> wanted == null || wanted.contains(j.state())).limit(limit).toList();
    }

    /** The parameter's value, null when absent or empty. */
    private static String value(Map<String, String> q, String name) {
        String v = q.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static Boolean bool(Map<String, String> q, String name) {
        String v = value(q, name);
        if (v == null) {
            return null;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw FleetException.badRequest(name + ": true or false, got '" + shorten(v) + "'");
        }
        return Boolean.valueOf(v);
    }

    /** A count: decimal digits only (no sign, no fraction), else 400. */
    private static int number(Map<String, String> q, String name, int absent) {
        String v = value(q, name);
        if (v == null) {
            return absent;
        }
        if (!v.matches("[0-9]{1,9}")) {
            throw FleetException.badRequest(name + ": a number, got '" + shorten(v) + "'");
        }
        return Integer.parseInt(v);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
