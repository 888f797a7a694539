package dev.mote.ota.web;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.mote.ota.rest.RestServer;
import java.io.IOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The dashboard's way into the REST API: a request without a bearer token but with a live
 * session cookie is let in (RestServer.AUTHENTICATED) if it only reads; one that changes state
 * must also carry the session's CSRF token in {@link #CSRF_HEADER} and come from a page of this
 * server (Origin); otherwise it is refused with 403 before any route runs. A request with a bearer
 * token (the CLI) is the REST server's to check, as before. Every /api/ reply gets the security
 * headers (nosniff, no framing, no caching).
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
            ex.setAttribute(RestServer.AUTHENTICATED, Boolean.TRUE);
            chain.doFilter(ex);
        } finally {
            stats.request(WebStats.threadCpu() - cpu);
        }
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
