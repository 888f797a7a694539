package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's security over plain HTTP, as a script or another site would try it: the page's
 * headers, sign-in, the session cookie, the CSRF token and Origin check on every change, sign-out.
 */
@Timeout(60)
class DashboardSecurityTest {
    @TempDir
    Path dir;
    DashboardLab lab;
    WebClient web;
    String origin;

    @BeforeEach
    void start() throws Exception {
        lab = new DashboardLab(dir);
        web = new WebClient(lab.url());
        origin = lab.server.restUri().toString();
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void everyFileOfThePageCarriesAStrictPolicy() throws Exception {
        for (String f : StaticFiles.FILES) {
            HttpResponse<String> r = web.get("/" + f);
            assertEquals(200, r.statusCode(), f);
            assertEquals(Exchanges.CSP, r.headers().firstValue("Content-Security-Policy").orElse(""), f);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), f);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), f);
        }
        HttpResponse<String> page = web.get("/");
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'") && csp.contains("style-src 'self'")
                && csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), csp);
        assertFalse(csp.contains("unsafe"), csp);
        assertEquals("text/javascript; charset=utf-8", web.get("/js/app.js").headers().firstValue("Content-Type")
                .orElse(""));
        HttpResponse<byte[]> gz = web.getBytes("/js/app.js", "Accept-Encoding", "gzip");
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, web.get("/", "If-None-Match", etag).statusCode());
        for (String p : List.of("/nothing", "/js/", "/dev/mote/ota/web/Dashboard.class", "/js/../../pom.xml",
                "/%2e%2e/pom.xml", "/ui/nothing")) {
            assertEquals(404, web.get(p).statusCode(), p);
        }
        assertEquals(405, web.post("/", "").statusCode());
        HttpResponse<String> api = web.get("/api/health");
        assertEquals("nosniff", api.headers().firstValue("X-Content-Type-Options").orElse(""), "API replies too");
        assertEquals("no-store", api.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void aWrongTokenIsRefusedAndMakesNoSession() throws Exception {
        HttpResponse<String> r = web.post("/ui/login", "{\"token\":\"0000\"}", "Content-Type", "application/json");
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(401, web.get("/api/overview").statusCode(), "no cookie");
        assertEquals(401, web.get("/api/overview", "Cookie", Sessions.COOKIE + "=forged").statusCode());
        assertEquals(401, web.get("/ui/session", "Cookie", Sessions.COOKIE + "=forged").statusCode());
        assertEquals(415, web.post("/ui/login", "token=" + lab.server.adminToken(),
                "Content-Type", "application/x-www-form-urlencoded").statusCode(), "a plain form cannot sign in");
        assertEquals(403, web.post("/ui/login", "{\"token\":\"" + lab.server.adminToken() + "\"}",
                "Content-Type", "application/json", "Origin", "http://evil.example").statusCode());
        assertEquals(400, web.post("/ui/login", "[1]", "Content-Type", "application/json").statusCode());
    }

    @Test
    void repeatedWrongTokensAreThrottled() throws Exception {
        for (int i = 0; i < SignIn.MAX_FAILURES; i++) {
            assertEquals(401, web.post("/ui/login", "{\"token\":\"guess" + i + "\"}",
                    "Content-Type", "application/json").statusCode());
        }
        HttpResponse<String> r = web.post("/ui/login", "{\"token\":\"" + lab.server.adminToken() + "\"}",
                "Content-Type", "application/json");
        assertEquals(429, r.statusCode(), "even the right token, for a minute");
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void theSessionIsAnHttpOnlyStrictCookie() throws Exception {
        WebClient.Session s = web.signIn(lab.server.adminToken());
        assertTrue(s.setCookie().contains("; HttpOnly"), s.setCookie());
        assertTrue(s.setCookie().contains("; SameSite=Strict"), s.setCookie());
        assertTrue(s.setCookie().contains("; Path=/"), s.setCookie());
        assertTrue(s.setCookie().contains("; Max-Age=" + Sessions.MAX_AGE.toSeconds()), s.setCookie());
        assertFalse(s.setCookie().contains("Secure"), "plain HTTP: a Secure cookie would never come back");
        assertTrue(web.signIn(lab.server.adminToken(), "X-Forwarded-Proto", "https").setCookie().contains("; Secure"),
                "behind a TLS proxy");
        assertEquals(43, s.csrf().length(), "32 random bytes");
        HttpResponse<String> again = web.get("/ui/session", s.headers());
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains(s.csrf()));
        assertEquals(200, web.get("/api/overview", s.headers()).statusCode(), "reads need the cookie only");
        assertEquals(200, web.get("/api/device-page?limit=10", s.headers()).statusCode());
        assertEquals(401, web.get("/api/overview").statusCode(), "a request without the cookie right after one"
                + " with it is still a stranger");
    }

    @Test
    void aChangeWithoutTheCsrfTokenOrFromAnotherOriginIsRefused() throws Exception {
        WebClient.Session s = web.signIn(lab.server.adminToken());
        String provision = "{\"ids\":[\"csrf-1\"],\"group\":\"lab\",\"tags\":[]}";
        String[][] refused = {
            s.headers("Content-Type", "application/json"),
            s.headers("Content-Type", "application/json", "X-CSRF-Token", "wrong"),
            s.headers("Content-Type", "application/json", "X-CSRF-Token", s.csrf() + "x"),
            s.headers("Content-Type", "application/json", "X-CSRF-Token", s.csrf(), "Origin", "http://evil.example"),
            s.headers("Content-Type", "application/json", "X-CSRF-Token", s.csrf(), "Origin", "null"),
            s.headers("Content-Type", "application/json", "X-CSRF-Token", s.csrf(), "Sec-Fetch-Site", "cross-site"),
        };
        for (String[] h : refused) {
            HttpResponse<String> r = web.post("/api/devices/provision", provision, h);
            assertEquals(403, r.statusCode(), String.join(" ", h) + ": " + r.body());
        }
        assertEquals(403, web.post("/api/rollouts/1/pause", "{}", s.headers()).statusCode(),
                "refused before any route runs");
        assertEquals(0, lab.api.get("api/devices").size(), "nothing was provisioned");
        HttpResponse<String> ok = web.post("/api/devices/provision", provision, s.headers("Content-Type",
                "application/json", "X-CSRF-Token", s.csrf(), "Origin", origin, "Sec-Fetch-Site", "same-origin"));
        assertEquals(201, ok.statusCode(), ok.body());
        assertEquals(1, lab.api.get("api/devices").size());
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        WebClient.Session s = web.signIn(lab.server.adminToken());
        assertEquals(403, web.post("/ui/logout", "{}", s.headers()).statusCode(), "needs the CSRF token");
        assertEquals(200, web.get("/api/overview", s.headers()).statusCode(), "still signed in");
        HttpResponse<String> out = web.post("/ui/logout", "{}", s.headers("X-CSRF-Token", s.csrf()));
        assertEquals(200, out.statusCode());
        assertTrue(out.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"));
        assertEquals(401, web.get("/api/overview", s.headers()).statusCode());
        assertEquals(401, web.get("/ui/session", s.headers()).statusCode());
    }

    @Test
    void theCliBearerTokenWorksAsBefore() throws Exception {
        String bearer = "Bearer " + lab.server.adminToken();
        assertEquals(201, web.post("/api/devices/provision", "{\"ids\":[\"cli-1\"]}", "Authorization", bearer,
                "Content-Type", "application/json").statusCode(), "no CSRF token for the CLI");
        assertEquals(401, web.post("/api/devices/provision", "{\"ids\":[\"cli-2\"]}", "Authorization", "Bearer x",
                "Cookie", web.signIn(lab.server.adminToken()).cookie()).statusCode(),
                "a wrong bearer token is wrong, whatever cookie comes with it");
    }

    @Test
    void markupIsRefusedInGroupsAndTags() throws Exception {
        String bearer = "Bearer " + lab.server.adminToken();
        for (String body : List.of("{\"ids\":[\"a\"],\"group\":\"<b>\"}",
                "{\"ids\":[\"a\"],\"tags\":[\"<script>\"]}", "{\"ids\":[\"<img src=x onerror=alert(1)>\"]}",
                "{\"ids\":[\"a\",\"<b>\"]}")) {
            assertEquals(400, web.post("/api/devices/provision", body, "Authorization", bearer).statusCode(), body);
        }
        assertEquals(0, lab.api.get("api/devices").size(), "all or nothing: not even the good id before a bad one");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderEachOfItsType() throws Exception {
        URI u = lab.server.restUri();
        String[] targets = {"GET /api/health", "HEAD /app.css", "GET /js/app.js", "GET /api/devices", "GET /"};
        StringBuilder all = new StringBuilder();
        for (String t : targets) {
            all.append(t).append(" HTTP/1.1\r\nHost: ").append(u.getAuthority()).append("\r\n\r\n");
        }
        try (Socket sock = new Socket(u.getHost(), u.getPort())) {
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(sock.getInputStream());
            String[] types = {"application/json", "text/css", "text/javascript", "application/json", "text/html"};
            int[] statuses = {200, 200, 200, 401, 200};
            for (int i = 0; i < targets.length; i++) {
                Map<String, String> h = new HashMap<>();
                int status = head(in, h);
                assertEquals(statuses[i], status, targets[i]);
                assertTrue(h.get("content-type").startsWith(types[i]), targets[i] + ": " + h);
                assertEquals("nosniff", h.get("x-content-type-options"), targets[i]);
                byte[] body = new byte[targets[i].startsWith("HEAD") ? 0 : Integer.parseInt(h.get("content-length"))];
                in.readFully(body);
                if (i == 1) {
                    assertTrue(Integer.parseInt(h.get("content-length")) > 0, "HEAD says the length, sends no body");
                }
                if (i == 2) {
                    assertTrue(new String(body, StandardCharsets.UTF_8).contains("import"),
                            "the script itself, after a HEAD that sent no body");
                }
            }
        }
    }

    /** Reads a reply's status line and headers (names in lower case into {@code h}); returns the status. */
    private static int head(DataInputStream in, Map<String, String> h) throws IOException {
        String status = line(in);
        for (String l; !(l = line(in)).isEmpty(); ) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("the connection closed: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
