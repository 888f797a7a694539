package dev.mote.ota.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.rest.HttpHandler.Reply;
import dev.mote.ota.rest.HttpHandler.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signing in and out of the dashboard (docs/ota-server.md, "Dashboard"):
 * <ul>
 * <li>{@code POST /ui/login} {"token": "..."}: the server's admin token (DATA/admin.token, the
 *     REST API's bearer token). Right: a session cookie (HttpOnly, SameSite=Strict, Path=/,
 *     Max-Age; Secure over TLS) and {"csrf", "expires"} in the body. Wrong: 401, and after
 *     {@link #MAX_FAILURES} wrong ones from one address within a minute, 429 until it passes.
 * <li>{@code GET /ui/session}: {"csrf", "expires"} of the cookie's session, or 401 (a page that is
 *     reloaded gets its CSRF token back this way; only pages of this origin can read it).
 * <li>{@code POST /ui/logout}: ends the session (CSRF token and same origin needed).
 * </ul>
 */
final class SignIn {
    static final int MAX_FAILURES = 10;
    private static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_BODY = 4096;
    private final byte[] adminToken;
    private final Sessions sessions;
    private final Clock clock;
    private final Map<InetAddress, long[]> failures = new ConcurrentHashMap<>();

    SignIn(String adminToken, Sessions sessions, Clock clock) {
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Answers /ui/login, /ui/session, /ui/logout; null for any other path. */
    Reply handle(Request req, String path) {
        String m = req.method();
        return switch (path) {
            case "/ui/login" -> m.equals("POST") ? login(req) : Exchanges.error(405, "sign in with POST");
            case "/ui/session" -> session(req);
            case "/ui/logout" -> m.equals("POST") ? logout(req) : Exchanges.error(405, "sign out with POST");
            default -> null;
        };
    }

    private Reply login(Request req) {
        String type = req.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return Exchanges.error(415, "sign in with a JSON body: {\"token\": \"...\"}");
        }
        if (!Exchanges.sameOrigin(req)) {
            return Exchanges.error(403, "cross-origin sign-in refused");
        }
        InetAddress from = req.remote().getAddress();
        long now = clock.millis();
        long[] f = failures.get(from);
        if (f != null && now - f[1] < WINDOW_MILLIS && f[0] >= MAX_FAILURES) {
            long wait = (f[1] + WINDOW_MILLIS - now + 999) / 1000;
            return Exchanges.error(429, "too many wrong sign-ins: try again in " + wait + " s")
                    .header("Retry-After", Long.toString(wait));
        }
        byte[] body = Exchanges.body(req, MAX_BODY);
        String token = null;
        try {
            JsonNode n = body == null ? null : Exchanges.JSON.readTree(body);
            if (n != null && n.path("token").isTextual()) {
                token = n.get("token").asText().trim();
            }
        } catch (IOException e) {
            token = null;
        }
        if (token == null) {
            return Exchanges.error(400, "sign in with a JSON body: {\"token\": \"...\"}");
        }
        if (!MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
            fail(from, now);
            return Exchanges.error(401, "wrong admin token (it is in the server's data directory: admin.token)");
        }
        failures.remove(from);
        Sessions.Session s = sessions.create();
        return Exchanges.json(200, Map.of("csrf", s.csrf(), "expires", s.expires()))
                .header("Set-Cookie", Sessions.COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict"
                        + "; Max-Age=" + Sessions.MAX_AGE.toSeconds() + (Exchanges.tls(req) ? "; Secure" : ""));
    }

    private void fail(InetAddress from, long now) {
        if (failures.size() > 10_000) {
            failures.values().removeIf(v -> now - v[1] >= WINDOW_MILLIS);
        }
        failures.compute(from, (k, v) -> v == null || now - v[1] >= WINDOW_MILLIS ? new long[] {1, now}
                : new long[] {v[0] + 1, v[1]});
    }

    private Reply session(Request req) {
        Sessions.Session s = sessions.use(Exchanges.cookie(req, Sessions.COOKIE));
        if (s == null) {
            return Exchanges.error(401, "not signed in");
        }
        return Exchanges.json(200, Map.of("csrf", s.csrf(), "expires", s.expires()));
    }

    private Reply logout(Request req) {
        Sessions.Session s = sessions.peek(Exchanges.cookie(req, Sessions.COOKIE));
        if (s != null) {
            String refusal = ApiGate.refusal(req, s);
            if (refusal != null) {
                return Exchanges.error(403, refusal);
            }
            sessions.end(s);
        }
        return Exchanges.json(200, Map.of("signedOut", true))
                .header("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                        + (Exchanges.tls(req) ? "; Secure" : ""));
    }
}
