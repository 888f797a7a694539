package dev.mote.ota.web;

import dev.mote.ota.fleet.Fleet;
import dev.mote.ota.fleet.Records;
import dev.mote.ota.rest.HttpHandler.Reply;
import dev.mote.ota.rest.HttpHandler.Request;
import dev.mote.ota.rest.ReplyStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * once and hands the same bytes to every stream. A stream is a chunked reply written on its
 * connection's I/O thread ({@link LiveStream}): the REST worker that accepted the request returns
 * at once, and no thread waits on a stream. At most {@code maxStreams} are open at once.
 */
final class LiveEvents implements AutoCloseable {
    static final String PATH = "/ui/events";
    static final long PING_MILLIS = 20_000;
    private final Fleet fleet;
    private final Sessions sessions;
    private final WebStats stats;
    private final int maxStreams;
    private final List<LiveStream> streams = new CopyOnWriteArrayList<>();
    /** Streams accepted, started or not yet: what {@code maxStreams} bounds. */
    private final AtomicInteger open = new AtomicInteger();
    private final ScheduledExecutorService ticker;
    private long lastChanges = -1;
    private Set<Long> watching = Set.of();

    LiveEvents(Fleet fleet, Sessions sessions, WebStats stats, Duration period, int maxStreams) {
        this.fleet = fleet;
        this.sessions = sessions;
        this.stats = stats;
        this.maxStreams = maxStreams;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "ota-live"));
        ticker.scheduleWithFixedDelay(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** GET /ui/events: a refusal, or the stream (on a REST worker, which it does not keep). */
    Reply open(Request req) {
        if (!req.method().equals("GET")) {
            return Exchanges.error(405, "GET the event stream");
        }
        Sessions.Session s = sessions.use(Exchanges.cookie(req, Sessions.COOKIE));
        if (s == null) {
            return Exchanges.error(401, "not signed in");
        }
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            return Exchanges.error(503, "too many live pages open (" + maxStreams + "): close one")
                    .header("Retry-After", "10");
        }
        long cpu = WebStats.threadCpu();
        boolean accepted = false;
        try {
            byte[] first = event(fleet.pulse(watched()));
            Reply r = Reply.stream(200, "text/event-stream; charset=utf-8", out -> start(out, s, first))
                    .header("Cache-Control", "no-store");
            accepted = true;
            return r;
        } finally {
            if (!accepted) {
                open.decrementAndGet();
            }
            stats.request(WebStats.threadCpu() - cpu);
        }
    }

    /**
     * The stream's headers are out: its first pulse, then it gets every tick's. On the
     * connection's I/O thread, where its close is seen too: that cannot come between the send
     * and the add (a connection already closed runs onClose in the constructor).
     */
    private void start(ReplyStream out, Sessions.Session s, byte[] first) {
        LiveStream[] self = new LiveStream[1];
        self[0] = new LiveStream(out, s, stats, PING_MILLIS, System.currentTimeMillis(), () -> {
            streams.remove(self[0]);
            open.decrementAndGet();
        });
        if (self[0].send(first, System.currentTimeMillis())) {
            streams.add(self[0]);
        }
    }

    private synchronized Set<Long> watched() {
        return watching;
    }

    /** One tick: a pulse to every stream if anything changed; sessions that ended are told so. */
    void tick() {
        if (streams.isEmpty()) {
            return;
        }
        long cpu = WebStats.threadCpu();
        long now = System.currentTimeMillis();
        try {
            for (LiveStream s : streams) {
                if (!sessions.alive(s.session())) {
                    s.sendLast("event: signout\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII), now);
                } else {
                    s.ping(now);
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
                s.send(e, now);
            }
        } catch (RuntimeException e) {
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

    private static byte[] event(Records.Pulse p) {
        try {
            return ("event: pulse\ndata: " + Exchanges.JSON.writeValueAsString(p) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
    }
}
