package dev.mote.ota.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.fleet.Limits;
import dev.mote.ota.store.StoreException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import dev.mote.ota.observe.Observatory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The OTA server's REST API (docs/ota-server.md, "REST API"): JSON over HTTP/1.1, every route
 * under /api/ behind a bearer token (or the dashboard's session, see {@link #authorizeAlso})
 * except /api/health. Routing is {@link Routes}; this class owns the socket (Netty's HTTP codec:
 * the one the broker already runs on), the token check and the error mapping (ErrorStatus for
 * FleetExceptions, 400 for a bad request or JSON, 413 for an oversized body, 503 while the
 * database cannot commit). Every reply of the API is JSON, errors included, {"error": "..."},
 * down to a request line the HTTP decoder cannot read (the JDK's HttpServer answered those, and
 * bad percent-escapes, with HTML pages of its own). Paths outside /api/ go to what is
 * {@link #mount}ed there (the dashboard), a JSON 404 without it.
 */
public final class RestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Longest request line and header block, in bytes. */
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 16384;

    private final InetSocketAddress bind;
    private final Routes routes;
    private final byte[] token;
    private final ExecutorService pool;
    private final EventLoopGroup acceptor = new NioEventLoopGroup(1, daemon("ota-rest-accept"));
    private final EventLoopGroup io = new NioEventLoopGroup(2, daemon("ota-rest-io"));
    private final Map<String, Handler> mounts = new ConcurrentHashMap<>();
    private final List<Filter> filters = new CopyOnWriteArrayList<>();
    private volatile Predicate<HttpHandler.Request> alsoAuthorized = r -> false;
    private Channel channel;

    /** Answers requests: a reply, or null when it has nothing at that path (a JSON 404 then). */
    public interface Handler {
        HttpHandler.Reply handle(HttpHandler.Request req);
    }

    /** A step before the /api/ routes: answers a request itself, or passes it to {@code next} and may add to the reply. */
    public interface Filter {
        HttpHandler.Reply filter(HttpHandler.Request req, Handler next);
    }

    /**
     * @param passwords a device id's MQTT password, for POST /api/devices/provision (may be null)
     * @param stats extra numbers for GET /api/stats (the MQTT link's counters), may be null
     */
    public RestServer(InetSocketAddress bind, String token, Fleet fleet, Function<String, String> passwords,
                      Supplier<Map<String, Object>> stats) {
        this(bind, token, fleet, passwords, stats, null);
    }

    /** With the crash, log, metrics and shell routes of {@code observatory} (may be null: none). */
    public RestServer(InetSocketAddress bind, String token, Fleet fleet, Function<String, String> passwords,
                      Supplier<Map<String, Object>> stats, Observatory observatory) {
        this.bind = bind;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.pool = Executors.newFixedThreadPool(4, daemon("ota-rest"));
        this.routes = new Routes(fleet, stats, passwords == null ? null : passwords::apply);
        if (observatory != null) {
            routes.observing(new ObserveRoutes(observatory));
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Serves the paths outside /api/ that start with {@code prefix} with {@code handler} (the
     * longest prefix wins), on the same port and worker threads (the dashboard). Before start.
     */
    public void mount(String prefix, Handler handler) {
        if (prefix.startsWith("/api/") || !prefix.startsWith("/")) {
            throw new IllegalArgumentException("mount: '" + prefix + "' is not a path outside /api/");
        }
        mounts.put(prefix, handler);
    }

    /** Runs {@code filter} before every /api/ request, in the order added (the dashboard's session and CSRF check). */
    public void filterApi(Filter filter) {
        filters.add(filter);
    }

    /**
     * Lets in, without a bearer token, the /api/ requests {@code check} accepts (the dashboard's
     * session cookie, web.ApiGate, whose filter has already refused what the session may not do).
     * A request with an Authorization header is judged by its token alone.
     */
    public void authorizeAlso(Predicate<HttpHandler.Request> check) {
        this.alsoAuthorized = check;
    }

    /** Listens; IOException when the address cannot be bound. */
    public RestServer start() throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(acceptor, io).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(MAX_LINE, MAX_HEADERS, 64 << 10),
                                new HttpHandler(RestServer.this, pool));
                    }
                });
        try {
            channel = b.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while starting the REST API", e);
        } catch (RuntimeException e) {
            close();
            throw new IOException("REST API: cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The address it listens on (the real port when bound to port 0). */
    public URI uri() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    /** The body limit of the route {@code uri} names: images are large, everything else is JSON. */
    static int bodyLimit(String uri) {
        String path = uri.indexOf('?') >= 0 ? uri.substring(0, uri.indexOf('?')) : uri;
        return path.equals("/api/images") ? Limits.MAX_IMAGE_BODY : Limits.MAX_JSON_BODY;
    }

    /** The reply to one request (on a pool thread): never throws. */
    HttpHandler.Reply answer(HttpHandler.Request req) {
        String path = req.path();
        if (path.startsWith("/api/")) {
            Handler chain = this::api;
            for (int i = filters.size() - 1; i >= 0; i--) {
                Filter f = filters.get(i);
                Handler next = chain;
                chain = r -> f.filter(r, next);
            }
            return guarded(req, chain);
        }
        Handler page = mounted(path);
        return guarded(req, r -> {
            HttpHandler.Reply reply = page == null ? null : page.handle(r);
            if (reply == null) {
                throw Routes.noRoute(r.method(), path);
            }
            return reply;
        });
    }

    /** The /api/ routes, after the filters: the token check, then {@link Routes}. */
    private HttpHandler.Reply api(HttpHandler.Request req) {
        return guarded(req, r -> {
            String path = r.path();
            if (!path.equals("/api/health") && !authorized(r)) {
                return new HttpHandler.Reply(401, Map.of("error", "missing or wrong token: send 'Authorization:"
                        + " Bearer TOKEN' (the token is in the server's data directory, admin.token)"));
            }
            Routes.Reply x = routes.route(r.method(), path, r.query(), limit -> body(r));
            return new HttpHandler.Reply(x.status(), x.body());
        });
    }

    private Handler mounted(String path) {
        String best = null;
        for (String prefix : mounts.keySet()) {
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? null : mounts.get(best);
    }

    /** {@code h}'s reply, or the JSON error for what it threw. */
    private static HttpHandler.Reply guarded(HttpHandler.Request req, Handler h) {
        try {
            return h.handle(req);
        } catch (FleetException e) {
            return error(ErrorStatus.of(e), e.getMessage());
        } catch (StoreException e) {
            Logger.error("REST {} {}: the database failed: {}", req.method(), shorten(req.path()), e.getMessage());
            return error(503, "the database failed, nothing was changed: " + e.getMessage()
                    + " (GET /api/health says when it works again)");
        } catch (RuntimeException e) {
            Logger.error(e, "REST {} {} failed", req.method(), shorten(req.path()));
            return error(500, "internal error: " + e);
        }
    }

    private static byte[] body(HttpHandler.Request req) {
        if (req.tooLarge()) {
            int limit = req.limit();
            throw FleetException.tooLarge("request body above " + (limit >= 1 << 20 ? (limit >> 20) + " MiB"
                    : (limit >> 10) + " KiB") + " (the limit for this route, docs/ota-server.md)");
        }
        return req.body();
    }

    private static HttpHandler.Reply error(int status, String message) {
        return new HttpHandler.Reply(status, Map.of("error", message));
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private boolean authorized(HttpHandler.Request req) {
        String h = req.authorization();
        if (h == null) {
            return alsoAuthorized.test(req);
        }
        if (!h.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        pool.shutdownNow();
    }
}
