package dev.mote.ota.web;

import dev.mote.ota.rest.ReplyStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One page's server-sent event stream (GET /ui/events). Sending never blocks the sender (the
 * live ticker): each event is handed to the connection's I/O thread, which writes it at once.
 * A page that stops reading leaves its events unwritten; one more than {@link #QUEUE} of them and
 * the stream is dropped (the page's EventSource reconnects), so a slow reader costs at most that
 * many events of memory.
 */
final class LiveStream {
    /** Events sent but not written yet (a slow page); one more and the stream is dropped. */
    static final int QUEUE = 16;
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private final ReplyStream out;
    private final Sessions.Session session;
    private final WebStats stats;
    private final long pingMillis;
    private final AtomicInteger unwritten = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastSent;

    /** {@code onClose} runs once, when the connection closes (either side, or {@link #close}). */
    LiveStream(ReplyStream out, Sessions.Session session, WebStats stats, long pingMillis, long now,
               Runnable onClose) {
        this.out = out;
        this.session = session;
        this.stats = stats;
        this.pingMillis = pingMillis;
        this.lastSent = now;
        out.onClose(() -> {
            if (closed.compareAndSet(false, true)) {
                onClose.run();
            }
        });
    }

    Sessions.Session session() {
        return session;
    }

    /** Queues an event; false (and the stream closes) if the page has fallen too far behind or left. */
    boolean send(byte[] event, long now) {
        return write(event, true, now);
    }

    /** Queues a last event, after which the stream ends (a signed-out session). */
    void sendLast(byte[] event, long now) {
        if (write(event, true, now)) {
            out.end();
        }
    }

    /** A comment line if nothing was sent for the ping interval (keeps proxies from closing an idle stream). */
    void ping(long now) {
        if (now - lastSent >= pingMillis) {
            write(PING, false, now);
        }
    }

    private boolean write(byte[] b, boolean event, long now) {
        if (!out.isOpen()) {
            return false;
        }
        if (unwritten.incrementAndGet() > QUEUE) {
            close();
            return false;
        }
        lastSent = now;
        out.run(() -> {
            long cpu = WebStats.threadCpu();
            out.write(b, written -> unwritten.decrementAndGet());
            if (event) {
                stats.event(b.length, WebStats.threadCpu() - cpu);
            }
        });
        return true;
    }

    /** Ends the stream now (idempotent): the connection closes, unwritten events are dropped. */
    void close() {
        out.close();
    }
}
