package dev.mote.ota.web;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The dashboard's way into the REST API. As a filter on /api/: a request without a bearer token
 * but with a live session cookie that changes state must carry the session's CSRF token in
 * {@link #CSRF_HEADER} and come from a page of this server (Origin), or it is refused with 403
 * before any route runs; every /api/ reply gets the security headers (nosniff, no framing, no
 * caching). As the REST server's {@link #admits} check: such a request (one that passed the
 * filter) needs no bearer token. A request with a bearer token (the CLI) is the REST server's to
 * check, as before.
 */
final class ApiGate extends Filter {
    static final String CSRF_HEADER = "X-CSRF-Token";
    private final Sessions sessions;
    private final WebStats stats;

    ApiGate(Sessions sessions, WebStats stats) {
        this.sessions = sessions;
        this.stats = stats;
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        Exchanges.secure(ex);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (ex.getRequestHeaders().containsKey("Authorization")) {
            chain.doFilter(ex);
            return;
        }
        Sessions.Session s = sessions.use(Exchanges.cookie(ex, Sessions.COOKIE));
        if (s == null) {
            chain.doFilter(ex);   // 401 from the REST server
            return;
        }
        long cpu = WebStats.threadCpu();
        try {
            String refusal = refusal(ex, s);
            if (refusal != null) {
                Exchanges.error(ex, 403, refusal);
                return;
            }
            chain.doFilter(ex);
        } finally {
            stats.request(WebStats.threadCpu() - cpu);
        }
    }

    /** Whether the request (without a bearer token) comes with a live session: the filter has passed it. */
    boolean admits(HttpExchange ex) {
        return sessions.peek(Exchanges.cookie(ex, Sessions.COOKIE)) != null;
    }

    /** Why a session's request is refused, or null. */
    static String refusal(HttpExchange ex, Sessions.Session s) {
        if (!Exchanges.unsafe(ex.getRequestMethod())) {
            return null;
        }
        String token = ex.getRequestHeaders().getFirst(CSRF_HEADER);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
                s.csrf().getBytes(StandardCharsets.US_ASCII))) {
            return "missing or wrong CSRF token: a dashboard request that changes something sends the session's"
                    + " token in " + CSRF_HEADER;
        }
        if (!Exchanges.sameOrigin(ex)) {
            return "cross-origin request refused: Origin " + ex.getRequestHeaders().getFirst("Origin")
                    + " is not this server";
        }
        return null;
    }

    @Override
    public String description() {
        return "dashboard session and CSRF check";
    }
}
