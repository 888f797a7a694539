package dev.mote.ota.web;

import dev.mote.ota.rest.HttpHandler.Reply;
import dev.mote.ota.rest.HttpHandler.Request;
import dev.mote.ota.rest.RestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The dashboard's way into the REST API. As a filter on /api/: a request without a bearer token
 * but with a live session cookie that changes state must carry the session's CSRF token in
 * {@link #CSRF_HEADER} and come from a page of this server (Origin), or it is refused with 403
 * before any route runs; every /api/ reply gets the security headers (nosniff, no framing, no
 * caching). As the REST server's {@link #admits} check: such a request (one that passed the
 * filter) needs no bearer token. A request with a bearer token (the CLI) is the REST server's to
 * check, as before.
 */
final class ApiGate implements RestServer.Filter {
    static final String CSRF_HEADER = "X-CSRF-Token";
    private final Sessions sessions;
    private final WebStats stats;

    ApiGate(Sessions sessions, WebStats stats) {
        this.sessions = sessions;
        this.stats = stats;
    }

    @Override
    public Reply filter(Request req, RestServer.Handler next) {
        if (req.header("Authorization") != null) {
            return api(next.handle(req));
        }
        Sessions.Session s = sessions.use(Exchanges.cookie(req, Sessions.COOKIE));
        if (s == null) {
            return api(next.handle(req));   // 401 from the REST server
        }
        long cpu = WebStats.threadCpu();
        try {
            String refusal = refusal(req, s);
            // written out here, so that the cost counted is the whole request's
            return api(refusal != null ? Exchanges.error(403, refusal) : next.handle(req).rendered());
        } finally {
            stats.request(WebStats.threadCpu() - cpu);
        }
    }

    private static Reply api(Reply r) {
        return Exchanges.secure(r).header("Cache-Control", "no-store");
    }

    /** Whether the request (without a bearer token) comes with a live session: the filter has passed it. */
    boolean admits(Request req) {
        return sessions.peek(Exchanges.cookie(req, Sessions.COOKIE)) != null;
    }

    /** Why a session's request is refused, or null. */
    static String refusal(Request req, Sessions.Session s) {
        if (!Exchanges.unsafe(req.method())) {
            return null;
        }
        String token = req.header(CSRF_HEADER);
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
                s.csrf().getBytes(StandardCharsets.US_ASCII))) {
            return "missing or wrong CSRF token: a dashboard request that changes something sends the session's"
                    + " token in " + CSRF_HEADER;
        }
        if (!Exchanges.sameOrigin(req)) {
            return "cross-origin request refused: Origin " + req.header("Origin") + " is not this server";
        }
        return null;
    }
}
