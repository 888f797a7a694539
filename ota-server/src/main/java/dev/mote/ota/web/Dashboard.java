package dev.mote.ota.web;

import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.rest.HttpHandler.Reply;
import dev.mote.ota.rest.HttpHandler.Request;
import dev.mote.ota.rest.RestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The fleet dashboard (docs/ota-server.md, "Dashboard"): a page served by the OTA server itself,
 * on the REST API's port, from files in the jar. It adds to a {@link RestServer}:
 * <ul>
 * <li>{@code /}: the page (index.html, app.css, js/*.js, favicon.svg), and {@code /ui/login},
 *     {@code /ui/session}, {@code /ui/logout} (SignIn);
 * <li>{@code /ui/events}: live updates (LiveEvents);
 * <li>a filter on {@code /api/} that lets a signed-in page use the REST API with its session
 *     cookie, the CSRF token required for every change (ApiGate).
 * </ul>
 * The page reads and changes the fleet only through the REST API, as the CLI does. Every reply
 * carries the security headers (Exchanges); the page's files are its only replies that are not
 * JSON, besides the event stream.
 */
public final class Dashboard implements AutoCloseable {
    /** How often live updates look for changes. */
    public static final Duration LIVE_PERIOD = Duration.ofMillis(500);
    /** Live pages open at once, at most (each holds a connection and its queue of unwritten events). */
    public static final int MAX_STREAMS = 32;
    private final Sessions sessions;
    private final WebStats stats = new WebStats();
    private final StaticFiles files = new StaticFiles();
    private final SignIn signIn;
    private final LiveEvents live;

    private Dashboard(String adminToken, Fleet fleet, Clock clock, Duration livePeriod) {
        this.sessions = new Sessions(clock);
        this.signIn = new SignIn(adminToken, sessions, clock);
        this.live = new LiveEvents(fleet, sessions, stats, livePeriod, MAX_STREAMS);
    }

    /** Adds the dashboard to {@code rest} (before it starts); signing in takes {@code adminToken}. */
    public static Dashboard mount(RestServer rest, String adminToken, Fleet fleet) {
        return mount(rest, adminToken, fleet, Clock.systemUTC(), LIVE_PERIOD);
    }

    public static Dashboard mount(RestServer rest, String adminToken, Fleet fleet, Clock clock, Duration livePeriod) {
        Dashboard d = new Dashboard(adminToken, fleet, clock, livePeriod);
        rest.mount("/", d::handle);
        ApiGate gate = new ApiGate(d.sessions, d.stats);
        rest.filterApi(gate);
        rest.authorizeAlso(gate::admits);
        return d;
    }

    /** Every request outside /api/ (on a REST worker). */
    private Reply handle(Request req) {
        String path = req.path();
        if (path.equals(LiveEvents.PATH)) {
            return Exchanges.secure(live.open(req));   // counts its own cost
        }
        long cpu = WebStats.threadCpu();
        try {
            Reply r;
            if (path.startsWith("/ui/")) {
                r = signIn.handle(req, path);
            } else {
                StaticFiles.File f = files.get(path);
                String m = req.method();
                if (f == null) {
                    r = null;
                } else if (!m.equals("GET") && !m.equals("HEAD")) {
                    r = Exchanges.error(405, m + " " + path + ": only GET");
                } else {
                    r = StaticFiles.serve(req, f);
                }
            }
            return Exchanges.secure(r == null ? Exchanges.noRoute(req) : r);
        } finally {
            stats.cpu(WebStats.threadCpu() - cpu);
        }
    }

    /** For GET /api/stats: sessions, live streams, requests, events, CPU seconds spent. */
    public Map<String, Object> stats() {
        Map<String, Object> m = stats.snapshot(sessions.size(), live.size());
        long[] sizes = files.sizes();
        m.put("pageBytesGzip", sizes[0]);
        m.put("pageBytes", sizes[1]);
        return m;
    }

    @Override
    public void close() {
        live.close();
    }
}
