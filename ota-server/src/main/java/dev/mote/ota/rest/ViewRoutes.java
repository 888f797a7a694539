package dev.mote.ota.rest;

import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.Records;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read-only routes the dashboard's views use (docs/ota-server.md, "Dashboard"), called from
 * {@link Routes}: the overview, a page of the device list, a rollout's phases, and a rollout's
 * jobs filtered by state. Query parameters are checked here; the fleet checks their values.
 */
final class ViewRoutes {
    /** Devices a page holds when the query does not say. */
    static final int DEFAULT_PAGE = 50;

    private ViewRoutes() {
    }

    /** GET /api/device-page?q=&group=&tag=&profile=&version=&online=&state=&offset=&limit= */
    static Records.DevicePage devicePage(Fleet fleet, String query) {
        Map<String, String> q = params(query);
        return fleet.devicePage(new Records.DeviceQuery(q.get("q"), q.get("group"), q.get("tag"), q.get("profile"),
                q.get("version"), bool(q, "online"), q.get("state"), number(q, "offset", 0),
                number(q, "limit", DEFAULT_PAGE)));
    }

    /**
     * GET /api/rollouts/ID/jobs?state=failed,rolledback&limit=100: the rollout's jobs, only those
     * in the given states (all without {@code state}), at most {@code limit} (all without it).
     */
    static List<Records.JobInfo> jobs(List<Records.JobInfo> all, String query) {
        Map<String, String> q = params(query);
        String states = q.get("state");
        int limit = number(q, "limit", Integer.MAX_VALUE);
        if (states == null && limit == Integer.MAX_VALUE) {
            return all;
        }
        Set<String> wanted = states == null ? null : Set.of(states.split(","));
        return all.stream().filter(j -> wanted == null || wanted.contains(j.state())).limit(limit).toList();
    }

    static Map<String, String> params(String query) {
        Map<String, String> q = new HashMap<>();
        if (query != null) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    String v = decode(kv.substring(eq + 1));
                    if (!v.isBlank()) {
                        q.put(decode(kv.substring(0, eq)), v);
                    }
                }
            }
        }
        return q;
    }

    private static Boolean bool(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) {
            return null;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw FleetException.badRequest(name + ": true or false, got '" + v + "'");
        }
        return Boolean.valueOf(v);
    }

    private static int number(Map<String, String> q, String name, int absent) {
        String v = q.get(name);
        if (v == null) {
            return absent;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw FleetException.badRequest(name + ": a number, got '" + v + "'");
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw FleetException.badRequest("bad query string: " + e.getMessage());
        }
    }
}
