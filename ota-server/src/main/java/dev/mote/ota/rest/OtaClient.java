package dev.mote.ota.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The CLI's side of the REST API: one call per route, the reply as a JSON tree. Errors become
 * MoteExceptions carrying the server's own message and what to try.
 */
public final class OtaClient {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public OtaClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public JsonNode post(String path, Object json) throws IOException {
        byte[] body = json == null ? new byte[0] : RestServer.JSON.writeValueAsBytes(json);
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public JsonNode put(String path, Object json) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(RestServer.JSON.writeValueAsBytes(json))));
    }

    public JsonNode postBytes(String path, byte[] body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private JsonNode send(HttpRequest.Builder b) throws IOException {
        HttpRequest req = b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new MoteException("cannot reach the OTA server at " + base,
                    "start it with 'mote ota serve', or give its address with --server URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        JsonNode body;
        try {
            body = RestServer.JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new MoteException("the OTA server at " + base + " answered HTTP " + resp.statusCode()
                    + " with something that is not JSON", "is --server the Mote OTA server's REST address?");
        }
        if (resp.statusCode() >= 300) {
            String msg = body != null && body.has("error") ? body.get("error").asText() : "HTTP " + resp.statusCode();
            throw new MoteException(msg, resp.statusCode() == 401
                    ? "give the token with --token, MOTE_OTA_TOKEN, or --data DIR (it reads DIR/admin.token)" : null);
        }
        return body;
    }
}
