package dev.mote.ota.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.Records;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Method + path to a {@link Fleet} call. The table in docs/ota-server.md lists every route;
 * bodies and replies are the {@link Records} as JSON, field for field.
 */
final class Routes {
    record Reply(int status, Object body) {
    }

    /** A device listed with its password, for provisioning. */
    record Provisioned(String id, String password, Records.DeviceInfo device) {
    }

    /** POST /api/devices/provision body. */
    record ProvisionRequest(List<String> ids, String group, List<String> tags) {
    }

    /** PUT /api/devices/ID body. */
    record LabelRequest(String group, List<String> tags) {
    }

    private final Fleet fleet;
    private final Supplier<Map<String, Object>> stats;
    private final Provisioner provisioner;
    private ObserveRoutes observe;

    /** Turns device ids into passwords (the MQTT credentials), for POST /api/devices/provision. */
    interface Provisioner {
        String password(String deviceId);
    }

    Routes(Fleet fleet, Supplier<Map<String, Object>> stats) {
        this(fleet, stats, null);
    }

    Routes(Fleet fleet, Supplier<Map<String, Object>> stats, Provisioner provisioner) {
        this.fleet = fleet;
        this.stats = stats;
        this.provisioner = provisioner;
    }

    /** The crash, log, metrics and shell routes too (ObserveRoutes). */
    Routes observing(ObserveRoutes routes) {
        this.observe = routes;
        return this;
    }

    Reply route(String method, String path, String query, Supplier<byte[]> body) {
        String[] p = path.substring("/api/".length()).split("/");
        Reply observed = observe == null ? null : observe.route(method, p, query, body);
        if (observed != null) {
            return observed;
        }
        String what = p[0];
        String id = p.length > 1 ? decode(p[1]) : null;
        String action = p.length > 2 ? p[2] : null;
        switch (method + " " + what + (id == null ? "" : " ID") + (action == null ? "" : " " + action)) {
            case "GET health":
                return ok(Map.of("status", "ok"));
            case "GET stats":
                return ok(stats == null ? Map.of() : stats.get());
            case "POST images":
                return new Reply(201, fleet.upload(body.get()));
            case "GET images":
                return ok(fleet.images());
            case "GET images ID":
                return ok(fleet.image(id));
            case "GET devices":
                return ok(fleet.devices(filter(query)));
            case "GET devices ID":
                if (id.equals("provision")) {
                    break;
                }
                return ok(fleet.device(id));
            case "PUT devices ID": {
                LabelRequest r = parse(body.get(), LabelRequest.class);
                return ok(fleet.label(id, r.group(), r.tags() == null ? List.of() : r.tags()));
            }
            case "GET devices ID history":
                return ok(fleet.history(id));
            case "POST devices ID":
                if (id.equals("provision")) {
                    return provision(parse(body.get(), ProvisionRequest.class));
                }
                break;
            case "POST rollouts":
                return new Reply(201, fleet.createRollout(parse(body.get(), Records.RolloutSpec.class)));
            case "GET rollouts":
                return ok(fleet.rollouts());
            case "GET rollouts ID":
                return ok(fleet.rollout(number(id)));
            case "GET rollouts ID jobs":
                return ok(fleet.jobs(number(id)));
            case "POST rollouts ID pause": {
                byte[] b = body.get();
                Map<?, ?> r = b.length == 0 ? Map.of() : parse(b, Map.class);
                Object reason = r.get("reason");
                return ok(fleet.pause(number(id), reason == null ? "paused by the operator" : reason.toString()));
            }
            case "POST rollouts ID resume":
                return ok(fleet.resume(number(id)));
            case "POST rollouts ID cancel":
                return ok(fleet.cancel(number(id)));
            default:
                break;
        }
        throw FleetException.notFound("no route " + method + " " + path + " (see docs/ota-server.md, REST API)");
    }

    private Reply provision(ProvisionRequest r) {
        if (provisioner == null) {
            throw FleetException.unsupported("this server cannot issue credentials");
        }
        if (r.ids() == null || r.ids().isEmpty()) {
            throw FleetException.badRequest("provision: 'ids' must list at least one device id");
        }
        List<String> tags = r.tags() == null ? List.of() : r.tags();
        List<Provisioned> out = r.ids().stream()
                .map(d -> new Provisioned(d, provisioner.password(d), fleet.provision(d, r.group(), tags)))
                .toList();
        return new Reply(201, out);
    }

    private static Reply ok(Object body) {
        return new Reply(200, body);
    }

    static <T> T parse(byte[] body, Class<T> type) {
        try {
            return RestServer.JSON.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw FleetException.badRequest("bad JSON body: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw FleetException.badRequest("bad JSON body: " + e.getMessage());
        }
    }

    private static long number(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw FleetException.badRequest("'" + id + "' is not a rollout id (a number)");
        }
    }

    private static Records.DeviceFilter filter(String query) {
        Map<String, String> q = new HashMap<>();
        if (query != null) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
                }
            }
        }
        String online = q.get("online");
        return new Records.DeviceFilter(q.get("group"), q.get("tag"), q.get("profile"),
                online == null ? null : Boolean.valueOf(online));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
