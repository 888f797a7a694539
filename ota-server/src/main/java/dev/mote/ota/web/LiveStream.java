package dev.mote.ota.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One page's server-sent event stream (GET /ui/events), written by its own thread from a small
 * queue, never by a REST worker: the worker that accepted the request returns at once. A page
 * that stops reading fills its queue and is dropped (its EventSource reconnects); closing the
 * stream interrupts its writer, which closes the socket even in the middle of a write.
 */
final class LiveStream implements Runnable {
    /** Events waiting for a slow page; one more and the stream is dropped. */
    static final int QUEUE = 16;
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = new byte[0];
    private final HttpExchange ex;
    private final Sessions.Session session;
    private final WebStats stats;
    private final long pingMillis;
    private final Runnable onClose;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean closed;
    private volatile Thread writer;

    LiveStream(HttpExchange ex, Sessions.Session session, WebStats stats, long pingMillis, Runnable onClose) {
        this.ex = ex;
        this.session = session;
        this.stats = stats;
        this.pingMillis = pingMillis;
        this.onClose = onClose;
    }

    HttpExchange exchange() {
        return ex;
    }

    Sessions.Session session() {
        return session;
    }

    /** Queues an event; false (and the stream closes) if the page has fallen too far behind. */
    boolean send(byte[] event) {
        if (closed) {
            return false;
        }
        if (!queue.offer(event)) {
            close();
            return false;
        }
        return true;
    }

    /** Queues a last event, after which the stream ends (a signed-out session). */
    void sendLast(byte[] event) {
        if (send(event)) {
            queue.offer(END);
        }
    }

    @Override
    public void run() {
        writer = Thread.currentThread();
        try (OutputStream out = ex.getResponseBody()) {
            while (!closed) {
                byte[] b = queue.poll(pingMillis, TimeUnit.MILLISECONDS);
                if (closed || b == END) {
                    break;
                }
                long cpu = WebStats.threadCpu();
                out.write(b == null ? PING : b);
                out.flush();
                if (b != null) {
                    stats.event(b.length, WebStats.threadCpu() - cpu);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the page went away, or the stream was closed
        } finally {
            closed = true;
            writer = null;
            Thread.interrupted();
            try {
                ex.close();
            } catch (RuntimeException e) {
                // already closed under it
            }
            onClose.run();
        }
    }

    /** Ends the stream (idempotent): its writer stops and closes the connection. */
    void close() {
        closed = true;
        Thread t = writer;
        if (t != null) {
            t.interrupt();
        }
    }
}
