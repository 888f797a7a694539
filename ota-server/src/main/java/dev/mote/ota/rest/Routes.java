package dev.mote.ota.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.Limits;
import dev.mote.ota.fleet.Records;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

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

    /** POST /api/rollouts/ID/pause body (optional). */
    record PauseRequest(String reason) {
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

    /**
     * Routes a request. {@code rawPath} and {@code rawQuery} are as sent (still percent-encoded):
     * each segment and value is decoded once, strictly. {@code body} reads the body up to the
     * route's limit. FleetException (400, 404, ...) for anything that cannot be used.
     */
    Reply route(String method, String rawPath, String rawQuery, Body body) {
        String[] p = rawPath.substring("/api/".length()).split("/", -1);
        if (p.length > 3) {
            throw noRoute(method, rawPath);
        }
        Reply observed = observe == null ? null : observe.route(method, p, rawQuery, body);
        if (observed != null) {
            return observed;
        }
        String what = p[0];
        String id = p.length > 1 ? decode(p[1]) : null;
        String action = p.length > 2 ? p[2] : null;
        String key = method + " " + what + (id == null ? "" : " ID") + (action == null ? "" : " " + action);
        Map<String, String> query = query(rawQuery, switch (key) {
            case "GET devices" -> DEVICE_FILTERS;
            case "GET device-page" -> ViewRoutes.PAGE_PARAMETERS;
            case "GET rollouts ID jobs" -> ViewRoutes.JOB_PARAMETERS;
            default -> Set.of();
        });
        switch (key) {
            case "GET health":
                return health();
            case "GET stats":
                return ok(stats == null ? Map.of() : stats.get());
            case "POST images":
                return new Reply(201, fleet.upload(body.read(Limits.MAX_IMAGE_BODY)));
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
                LabelRequest r = parse(body, LabelRequest.class);
                return ok(fleet.label(id, r.group(), r.tags() == null ? List.of() : r.tags()));
            }
            case "GET devices ID history":
                return ok(fleet.history(id));
            case "POST devices ID":
                if (id.equals("provision")) {
                    return provision(parse(body, ProvisionRequest.class));
                }
                break;
            case "POST rollouts":
                return new Reply(201, fleet.createRollout(parse(body, Records.RolloutSpec.class)));
            case "GET rollouts":
                return ok(fleet.rollouts());
            case "GET rollouts ID":
                return ok(fleet.rollout(number(id)));
            case "GET rollouts ID jobs":
                return ok(ViewRoutes.jobs(fleet.jobs(number(id)), query));
            case "GET rollouts ID phases":
                return ok(fleet.phases(number(id)));
            case "GET overview":
                return ok(fleet.overview());
            case "GET device-page":
                return ok(ViewRoutes.devicePage(fleet, query));
            case "POST rollouts ID pause": {
                long n = number(id);
                byte[] b = body.read(Limits.MAX_JSON_BODY);
                PauseRequest r = b.length == 0 ? new PauseRequest(null) : parse(b, PauseRequest.class);
                return ok(fleet.pause(n, r.reason() == null ? "paused by the operator" : r.reason()));
            }
            case "POST rollouts ID resume":
                return ok(fleet.resume(number(id)));
            case "POST rollouts ID cancel":
                return ok(fleet.cancel(number(id)));
            default:
                break;
        }
        throw noRoute(method, rawPath);
    }

    /** 200 while the store commits; 503 with its error while it cannot (a full disk, a broken file). */
    private Reply health() {
        String problem = fleet.storeProblem();
        return problem == null ? ok(Map.of("status", "ok"))
                : new Reply(503, Map.of("status", "failing", "store", problem));
    }

    static FleetException noRoute(String method, String path) {
        String shown = path.length() > 100 ? path.substring(0, 100) + "..." : path;
        return FleetException.notFound("no route " + method + " " + shown + " (see docs/ota-server.md, REST API)");
    }

    /** The request body, read on demand up to a limit (413 above it). */
    interface Body {
        byte[] read(int limit);
    }

    private Reply provision(ProvisionRequest r) {
        if (provisioner == null) {
            throw FleetException.unsupported("this server cannot issue credentials");
        }
        List<String> tags = r.tags() == null ? List.of() : r.tags();
        // all or nothing: the fleet checks every id, the group and the tags before it writes any
        List<Records.DeviceInfo> devices = fleet.provision(r.ids(), r.group(), tags);
        List<Provisioned> out = new ArrayList<>();
        for (Records.DeviceInfo d : devices) {
            out.add(new Provisioned(d.id(), provisioner.password(d.id()), d));
        }
        return new Reply(201, out);
    }

    private static Reply ok(Object body) {
        return new Reply(200, body);
    }

    private static <T> T parse(Body body, Class<T> type) {
        return parse(body.read(Limits.MAX_JSON_BODY), type);
    }

    /**
     * The body as {@code type}: one JSON object, nothing after it, no unknown field, no null
     * where a number belongs, no number written as a string or a fraction for a count. 400
     * saying what is wrong otherwise.
     */
    static <T> T parse(byte[] body, Class<T> type) {
        T value;
        try {
            value = STRICT.readValue(body, type);
        } catch (JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
            throw FleetException.badRequest("bad JSON body: " + (where.isEmpty() ? "" : where + ": ")
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw FleetException.badRequest("bad JSON body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw FleetException.badRequest("bad JSON body: " + e.getMessage());
        }
        if (value == null) {
            throw FleetException.badRequest("bad JSON body: expected an object, got null");
        }
        return value;
    }

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // a number or boolean where text belongs is refused too, not turned into text
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    /** A rollout id in a path: a decimal number, 400 otherwise. */
    private static long number(String id) {
        if (id.matches("[0-9]{1,18}")) {
            return Long.parseLong(id);
        }
        String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
        throw FleetException.badRequest("'" + shown + "' is not a rollout id (a number)");
    }

    private static final Set<String> DEVICE_FILTERS = Set.of("group", "tag", "profile", "online");

    /** The query's keys and values, decoded strictly; only {@code allowed} keys, each at most once. */
    static Map<String, String> query(String raw, Set<String> allowed) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String kv : raw.split("&", -1)) {
            int eq = kv.indexOf('=');
            String k = decode(eq < 0 ? kv : kv.substring(0, eq));
            String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
            if (!allowed.contains(k)) {
                throw FleetException.badRequest("query: unknown parameter '" + shorten(k) + "'"
                        + (allowed.isEmpty() ? " (this route takes none)" : " (known: " + new TreeSet<>(allowed) + ")"));
            }
            if (q.put(k, v) != null) {
                throw FleetException.badRequest("query: '" + k + "' given twice");
            }
        }
        return q;
    }

    private static Records.DeviceFilter filter(Map<String, String> q) {
        String online = q.get("online");
        if (online != null && !online.equals("true") && !online.equals("false")) {
            throw FleetException.badRequest("query: online must be true or false, got '" + shorten(online) + "'");
        }
        return new Records.DeviceFilter(q.get("group"), q.get("tag"), q.get("profile"),
                online == null ? null : Boolean.valueOf(online));
    }

    /** Percent-decoding of one path segment or query part: bad escapes and invalid UTF-8 are a 400. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw FleetException.badRequest("bad percent-escape in '" + shorten(s) + "' (%XX, two hex digits)");
                }
                b.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                b.write(' ');
            } else {
                b.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw FleetException.badRequest("bad percent-escape in '" + shorten(s) + "': not UTF-8");
        }
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
