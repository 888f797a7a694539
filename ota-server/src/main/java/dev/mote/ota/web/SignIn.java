package dev.mote.ota.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
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

    /** Handles /ui/login, /ui/session, /ui/logout; false for any other path. */
    boolean handle(HttpExchange ex, String path) throws IOException {
        String m = ex.getRequestMethod();
        switch (path) {
            case "/ui/login" -> {
                if (!m.equals("POST")) {
                    Exchanges.error(ex, 405, "sign in with POST");
                } else {
                    login(ex);
                }
            }
            case "/ui/session" -> session(ex);
            case "/ui/logout" -> {
                if (!m.equals("POST")) {
                    Exchanges.error(ex, 405, "sign out with POST");
                } else {
                    logout(ex);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void login(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            Exchanges.error(ex, 415, "sign in with a JSON body: {\"token\": \"...\"}");
            return;
        }
        if (!Exchanges.sameOrigin(ex)) {
            Exchanges.error(ex, 403, "cross-origin sign-in refused");
            return;
        }
        InetAddress from = ex.getRemoteAddress().getAddress();
        long now = clock.millis();
        long[] f = failures.get(from);
        if (f != null && now - f[1] < WINDOW_MILLIS && f[0] >= MAX_FAILURES) {
            long wait = (f[1] + WINDOW_MILLIS - now + 999) / 1000;
            ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
            Exchanges.error(ex, 429, "too many wrong sign-ins: try again in " + wait + " s");
            return;
        }
        byte[] body = Exchanges.body(ex, MAX_BODY);
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
            Exchanges.error(ex, 400, "sign in with a JSON body: {\"token\": \"...\"}");
            return;
        }
        if (!MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
            fail(from, now);
            Exchanges.error(ex, 401, "wrong admin token (it is in the server's data directory: admin.token)");
            return;
        }
        failures.remove(from);
        Sessions.Session s = sessions.create();
        ex.getResponseHeaders().add("Set-Cookie", Sessions.COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict"
                + "; Max-Age=" + Sessions.MAX_AGE.toSeconds() + (Exchanges.tls(ex) ? "; Secure" : ""));
        Exchanges.json(ex, 200, Map.of("csrf", s.csrf(), "expires", s.expires()));
    }

    private void fail(InetAddress from, long now) {
        if (failures.size() > 10_000) {
            failures.values().removeIf(v -> now - v[1] >= WINDOW_MILLIS);
        }
        failures.compute(from, (k, v) -> v == null || now - v[1] >= WINDOW_MILLIS ? new long[] {1, now}
                : new long[] {v[0] + 1, v[1]});
    }

    private void session(HttpExchange ex) throws IOException {
        Sessions.Session s = sessions.use(Exchanges.cookie(ex, Sessions.COOKIE));
        if (s == null) {
            Exchanges.error(ex, 401, "not signed in");
            return;
        }
        Exchanges.json(ex, 200, Map.of("csrf", s.csrf(), "expires", s.expires()));
    }

    private void logout(HttpExchange ex) throws IOException {
        Sessions.Session s = sessions.peek(Exchanges.cookie(ex, Sessions.COOKIE));
        if (s != null) {
            String refusal = ApiGate.refusal(ex, s);
            if (refusal != null) {
                Exchanges.error(ex, 403, refusal);
                return;
            }
            sessions.end(s);
        }
        ex.getResponseHeaders().add("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
                + (Exchanges.tls(ex) ? "; Secure" : ""));
        Exchanges.json(ex, 200, Map.of("signedOut", true));
    }
}
