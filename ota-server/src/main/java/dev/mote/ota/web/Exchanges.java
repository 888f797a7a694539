package dev.mote.ota.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.rest.HttpHandler.Reply;
import dev.mote.ota.rest.HttpHandler.Request;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * What the dashboard's handlers share about HTTP: the security headers every reply carries,
 * cookies, the same-origin check, and JSON replies.
 */
final class Exchanges {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Scripts, styles, images and connections from this server only; nothing inline (no inline
     * script, style or event handler runs, so markup that slipped into the page could do
     * nothing); no framing, no plugins, forms post only here, no base tag.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private Exchanges() {
    }

    /** {@code r} with the headers every dashboard reply, and every /api/ reply, carries. */
    static Reply secure(Reply r) {
        return r.header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** The value of cookie {@code name} in the request, or null. */
    static String cookie(Request req, String name) {
        for (String header : req.headerValues("Cookie")) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                    return part.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    /** Whether the request came over TLS, to a proxy in front that says so (the server itself speaks plain HTTP). */
    static boolean tls(Request req) {
        return "https".equalsIgnoreCase(req.header("X-Forwarded-Proto"));
    }

    /**
     * Whether a browser sent this request from a page of this server: its Origin names the host
     * the request was sent to (Host), and Sec-Fetch-Site, if sent, says same-origin. A request
     * with neither header is not from a browser page (browsers send Origin with every POST).
     */
    static boolean sameOrigin(Request req) {
        String site = req.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return false;
        }
        String origin = req.header("Origin");
        if (origin == null) {
            return true;
        }
        String host = req.header("Host");
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            String authority = o.getRawAuthority();
            return authority != null && authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))
                    && ("http".equals(o.getScheme()) || "https".equals(o.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the method changes state (so it needs the CSRF token). */
    static boolean unsafe(String method) {
        return !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    }

    /** {@code body} as JSON, never cached. */
    static Reply json(int status, Object body) {
        return new Reply(status, body).header("Cache-Control", "no-store");
    }

    static Reply error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    /** The 404 of a path the dashboard does not have, worded as the REST API's own. */
    static Reply noRoute(Request req) {
        String path = req.path();
        String shown = path.length() > 100 ? path.substring(0, 100) + "..." : path;
        return error(404, "no route " + req.method() + " " + shown + " (the dashboard is at /, the REST API under"
                + " /api/: see docs/ota-server.md)");
    }

    /** The request's body if it is at most {@code max} bytes; null if larger. */
    static byte[] body(Request req, int max) {
        return req.tooLarge() || req.body().length > max ? null : req.body();
    }
}
