package dev.mote.ota.rest;

import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.Limits;
import dev.mote.ota.observe.Observatory;
import java.util.Map;
import java.util.Set;

/**
 * The routes about what devices say of themselves (docs/ota-server.md, "Crashes, logs, metrics,
 * shell"), all in one place: Routes asks here first and carries on with its own when this
 * answers null.
 *
 * <pre>
 * GET  /api/crashes[?device=ID]              crash groups, the most recent first
 * GET  /api/crashes/GROUP[?crashes=N]        one group: per device, the jobs it failed, its newest crashes
 * GET  /api/devices/ID/logs[?after=N&amp;limit=N]   log lines (after an id: newer ones, oldest first)
 * GET  /api/devices/ID/metrics[?after=N&amp;limit=N] heartbeats, likewise
 * POST /api/devices/ID/shell {"command": "ps", "who": "alice"}   runs it, waits for the reply
 * GET  /api/shell/audit[?device=ID&amp;limit=N]   the remote shell's audit log, newest first
 * </pre>
 */
final class ObserveRoutes {
    /** POST /api/devices/ID/shell body; {@code who} is recorded in the audit log beside the token's holder. */
    record ShellRequest(String command, String who) {
    }

    private final Observatory observatory;

    ObserveRoutes(Observatory observatory) {
        this.observatory = observatory;
    }

    /** The reply, or null when the route is not one of these. */
    Routes.Reply route(String method, String[] p, String rawQuery, Routes.Body body) {
        String id = p.length > 1 ? Routes.decode(p[1]) : null;
        String key = method + " " + p[0] + (p.length > 1 ? " ID" : "") + (p.length > 2 ? " " + p[2] : "");
        Set<String> allowed = switch (key) {
            case "GET crashes" -> Set.of("device");
            case "GET crashes ID" -> Set.of("crashes");
            case "GET devices ID logs", "GET devices ID metrics" -> Set.of("after", "limit");
            case "GET shell ID" -> Set.of("device", "limit");
            case "POST devices ID shell" -> Set.of();
            default -> null;
        };
        if (allowed == null) {
            return null;
        }
        Map<String, String> q = Routes.query(rawQuery, allowed);
        switch (key) {
            case "GET crashes":
                return ok(observatory.crashGroups(q.get("device")));
            case "GET crashes ID":
                return ok(observatory.crashGroup(number("crash group", id), (int) limit(q, "crashes", 20, 1000)));
            case "GET devices ID logs":
                return ok(observatory.logs(id, limit(q, "after", 0, Long.MAX_VALUE), (int) limit(q, "limit", 200, 5000)));
            case "GET devices ID metrics":
                return ok(observatory.metrics(id, limit(q, "after", 0, Long.MAX_VALUE), (int) limit(q, "limit", 60, 5000)));
            case "POST devices ID shell": {
                ShellRequest r = Routes.parse(body.read(Limits.MAX_JSON_BODY), ShellRequest.class);
                if (r.command() == null) {
                    throw FleetException.badRequest("shell: 'command' is missing");
                }
                String who = "admin" + (r.who() == null || r.who().isBlank() ? "" : " (" + clip(r.who()) + ")");
                try {
                    return ok(observatory.shell(id, who, r.command()));
                } catch (Observatory.NoReplyException e) {
                    return new Routes.Reply(504, Map.of("error", e.getMessage()));
                }
            }
            case "GET shell ID":
                if ("audit".equals(id)) {
                    return ok(observatory.audit(q.get("device"), (int) limit(q, "limit", 100, 10000)));
                }
                return null;
            default:
                return null;
        }
    }

    /** What a client says it is, as one printable line of at most 64 characters. */
    private static String clip(String who) {
        String s = who.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static Routes.Reply ok(Object body) {
        return new Routes.Reply(200, body);
    }

    private static long number(String what, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw FleetException.badRequest("'" + s + "' is not a " + what + " id (a number)");
        }
    }

    private static long limit(Map<String, String> q, String key, long absent, long max) {
        String v = q.get(key);
        if (v == null) {
            return absent;
        }
        long n = number(key, v);
        if (n < 0 || n > max) {
            throw FleetException.badRequest(key + ": " + n + " is outside 0.." + max);
        }
        return n;
    }
}
