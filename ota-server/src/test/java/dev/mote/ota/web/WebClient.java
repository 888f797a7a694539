package dev.mote.ota.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain HTTP client for the dashboard's tests, as a script or another site would be: it sends
 * exactly the headers it is told to (no browser adds Origin or Sec-Fetch-Site for it).
 */
final class WebClient {
    final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebClient(String base) {
        this.base = URI.create(base);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), headers);
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)),
                headers);
    }

    HttpResponse<byte[]> getBytes(String path, String... headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET().timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws IOException {
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A signed-in session: its cookie header value and CSRF token. */
    record Session(String cookie, String csrf, String setCookie) {
        /** Headers for a request of this session, then {@code more}. */
        String[] headers(String... more) {
            List<String> h = new ArrayList<>(List.of("Cookie", cookie));
            h.addAll(List.of(more));
            return h.toArray(String[]::new);
        }
    }

    Session signIn(String token, String... headers) throws IOException {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/json"));
        h.addAll(List.of(headers));
        HttpResponse<String> r = post("/ui/login", "{\"token\":\"" + token + "\"}", h.toArray(String[]::new));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("sign-in: HTTP " + r.statusCode() + " " + r.body());
        }
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = set.substring(0, set.indexOf(';'));
        try {
            Map<?, ?> body = Exchanges.JSON.readValue(r.body(), Map.class);
            return new Session(cookie, (String) body.get("csrf"), set);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
