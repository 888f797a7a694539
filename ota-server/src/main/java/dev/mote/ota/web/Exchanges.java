package dev.mote.ota.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.OutputStream;
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

    /** The headers every dashboard reply, and every /api/ reply, carries. */
    static void secure(HttpExchange ex) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** The value of cookie {@code name} in the request, or null. */
    static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                    return part.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    /** Whether the request came over TLS (here, or to a proxy in front that says so). */
    static boolean tls(HttpExchange ex) {
        return ex instanceof HttpsExchange
                || "https".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Forwarded-Proto"));
    }

    /**
     * Whether a browser sent this request from a page of this server: its Origin names the host
     * the request was sent to (Host), and Sec-Fetch-Site, if sent, says same-origin. A request
     * with neither header is not from a browser page (browsers send Origin with every POST).
     */
    static boolean sameOrigin(HttpExchange ex) {
        Headers h = ex.getRequestHeaders();
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return false;
        }
        String origin = h.getFirst("Origin");
        if (origin == null) {
            return true;
        }
        String host = h.getFirst("Host");
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

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] out = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, out);
    }

    static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message));
    }

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            if (!head) {
                os.write(body);
            }
        }
    }

    /** Reads a small request body (a sign-in), at most {@code max} bytes; null if larger. */
    static byte[] body(HttpExchange ex, int max) throws IOException {
        byte[] b = ex.getRequestBody().readNBytes(max + 1);
        return b.length > max ? null : b;
    }
}
