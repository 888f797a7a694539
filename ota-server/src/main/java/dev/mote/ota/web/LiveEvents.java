package dev.mote.ota.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.Records;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.tinylog.Logger;

/**
 * Live updates for the dashboard: {@code GET /ui/events} is a server-sent event stream of
 * {@code pulse} events, each a {@link Records.Pulse} as JSON (devices in all and online, and every
 * unfinished rollout with its phases' jobs per state; a rollout that has just finished comes once
 * more, so a page sees it end).
 *
 * <p>Cost: one thread ticks every {@code period} while a page is connected, asks the fleet for
 * its change counter (no table access), and only when it moved computes one pulse, serialises it
 * once and queues the same bytes to every stream. Each stream is written by its own thread
 * ({@link LiveStream}) from a separate pool of at most {@code maxStreams}, so a stream never holds
 * one of the REST API's few worker threads.
 */
final class LiveEvents implements HttpHandler, AutoCloseable {
    static final long PING_MILLIS = 20_000;
    private final Fleet fleet;
    private final Sessions sessions;
    private final WebStats stats;
    private final int maxStreams;
    private final List<LiveStream> streams = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService writers;
    private long lastChanges = -1;
    private Set<Long> watching = Set.of();

    LiveEvents(Fleet fleet, Sessions sessions, WebStats stats, Duration period, int maxStreams) {
        this.fleet = fleet;
        this.sessions = sessions;
        this.stats = stats;
        this.maxStreams = maxStreams;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ota-live"));
        this.writers = Executors.newCachedThreadPool(r -> daemon(r, "ota-live-stream"));
        ticker.scheduleWithFixedDelay(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        boolean streaming = false;
        try {
            streaming = open(ex);
        } finally {
            if (!streaming) {
                ex.close();
            }
        }
    }

    /** Answers the request, or starts its stream: true if its writer now owns the exchange. */
    private boolean open(HttpExchange ex) throws IOException {
        Exchanges.secure(ex);
        if (!ex.getRequestMethod().equals("GET")) {
            Exchanges.error(ex, 405, "GET the event stream");
            return false;
        }
        Sessions.Session s = sessions.use(Exchanges.cookie(ex, Sessions.COOKIE));
        if (s == null) {
            Exchanges.error(ex, 401, "not signed in");
            return false;
        }
        if (streams.size() >= maxStreams) {
            ex.getResponseHeaders().set("Retry-After", "10");
            Exchanges.error(ex, 503, "too many live pages open (" + maxStreams + "): close one");
            return false;
        }
        long cpu = WebStats.threadCpu();
        byte[] first = event(fleet.pulse(watched()));
        LiveStream stream = new LiveStream(ex, s, stats, PING_MILLIS, () -> remove(ex));
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "text/event-stream; charset=utf-8");
        h.set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        stream.send(first);
        streams.add(stream);
        stats.request(WebStats.threadCpu() - cpu);
        writers.execute(stream);
        return true;
    }

    private synchronized Set<Long> watched() {
        return watching;
    }

    private void remove(HttpExchange ex) {
        streams.removeIf(s -> s.exchange() == ex);
    }

    /** One tick: a pulse to every stream if anything changed; sessions that ended are told so. */
    void tick() {
        if (streams.isEmpty()) {
            return;
        }
        long cpu = WebStats.threadCpu();
        try {
            for (LiveStream s : streams) {
                if (!sessions.alive(s.session())) {
                    s.sendLast("event: signout\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
            long changes = fleet.changes();
            if (changes == lastChanges) {
                return;
            }
            Records.Pulse p = fleet.pulse(watched());
            lastChanges = p.changes();
            synchronized (this) {
                watching = p.rollouts().stream().filter(r -> !finished(r.rollout().state()))
                        .map(r -> r.rollout().id()).collect(Collectors.toUnmodifiableSet());
            }
            byte[] e = event(p);
            for (LiveStream s : streams) {
                s.send(e);
            }
        } catch (RuntimeException | IOException e) {
            Logger.warn(e, "dashboard: live update failed");
        } finally {
            stats.tick(WebStats.threadCpu() - cpu);
        }
    }

    int size() {
        return streams.size();
    }

    private static boolean finished(String state) {
        return state.equals("completed") || state.equals("cancelled");
    }

    private static byte[] event(Records.Pulse p) throws IOException {
        return ("event: pulse\ndata: " + Exchanges.JSON.writeValueAsString(p) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (LiveStream s : streams) {
            s.close();
        }
        writers.shutdownNow();
    }
}
