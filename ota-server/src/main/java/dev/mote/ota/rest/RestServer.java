package dev.mote.ota.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.observe.Observatory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The OTA server's REST API (docs/ota-server.md, "REST API"): JSON over HTTP on the JDK's
 * built-in server, every route under /api/ behind a bearer token except /api/health. Routing is
 * {@link Routes}; this class owns the socket, the token check and the error mapping
 * (ErrorStatus for FleetExceptions, 400 for bad JSON, 413 for oversized bodies).
 */
public final class RestServer implements AutoCloseable {
    /** Larger than any slot of any profile (the biggest images go to 15 MiB bench slots). */
    static final int MAX_BODY = 64 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK's server writes a reply's headers and body in two sends; with Nagle on, the
        // second waits for the client's delayed ACK: 40 ms added to every reply (measured on the
        // remote shell's round trip, bench/shell: 57 ms median, 9 ms without). Read once, when
        // the first server is made, so it must be set before that; a value given is kept.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService pool;
    private final byte[] token;

    /**
     * @param passwords a device id's MQTT password, for POST /api/devices/provision (may be null)
     * @param stats extra numbers for GET /api/stats (the MQTT link's counters), may be null
     */
    public RestServer(InetSocketAddress bind, String token, Fleet fleet, Function<String, String> passwords,
                      Supplier<Map<String, Object>> stats) throws IOException {
        this(bind, token, fleet, passwords, stats, null);
    }

    /** With the crash, log, metrics and shell routes of {@code observatory} (may be null: none). */
    public RestServer(InetSocketAddress bind, String token, Fleet fleet, Function<String, String> passwords,
                      Supplier<Map<String, Object>> stats, Observatory observatory) throws IOException {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.http = HttpServer.create(bind, 64);
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "ota-rest");
            t.setDaemon(true);
            return t;
        });
        Routes routes = new Routes(fleet, stats, passwords == null ? null : passwords::apply);
        if (observatory != null) {
            routes.observing(new ObserveRoutes(observatory));
        }
        http.createContext("/api/", ex -> handle(ex, routes));
        http.setExecutor(pool);
    }

    public RestServer start() {
        http.start();
        return this;
    }

    /** The address it listens on (the real port when bound to port 0). */
    public URI uri() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    private void handle(HttpExchange ex, Routes routes) throws IOException {
        int status;
        Object body;
        try {
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/api/health") && !authorized(ex)) {
                status = 401;
                body = Map.of("error", "missing or wrong token: send 'Authorization: Bearer TOKEN'"
                        + " (the token is in the server's data directory, admin.token)");
            } else {
                Routes.Reply r = routes.route(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(),
                        () -> readBody(ex));
                status = r.status();
                body = r.body();
            }
        } catch (FleetException e) {
            status = ErrorStatus.of(e);
            body = Map.of("error", e.getMessage());
        } catch (BodyException e) {
            status = e.status;
            body = Map.of("error", e.getMessage());
        } catch (RuntimeException e) {
            Logger.error(e, "REST {} {} failed", ex.getRequestMethod(), ex.getRequestURI());
            status = 500;
            body = Map.of("error", "internal error: " + e);
        }
        byte[] out = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (var os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private boolean authorized(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] readBody(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new BodyException(413, "request body above " + (MAX_BODY >> 20) + " MiB");
            }
            return b;
        } catch (IOException e) {
            throw new BodyException(400, "cannot read the request body: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    /** A request body that cannot be used; the status says why. */
    static final class BodyException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        BodyException(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
