package dev.mote.ota.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw REST requests to a running server with its admin token: the status code and body as they came. */
final class AdminRequests {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AdminRequests() {
    }

    /** {@code method path} with {@code body} (JSON, or null for none); 30 s at most. */
    static HttpResponse<String> send(OtaServer s, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(s.restUri() + path))
                .header("Authorization", "Bearer " + s.adminToken()).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
