package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.rest.FakeReplyStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One page's event stream: events written in order, a page that stops reading dropped, pings when idle. */
class LiveStreamTest {
    static final long PING = 20_000;
    final WebStats stats = new WebStats();
    final Sessions.Session session = new Sessions(Clock.systemUTC()).create();
    final AtomicInteger closed = new AtomicInteger();

    LiveStream stream(FakeReplyStream out) {
        return new LiveStream(out.stream, session, stats, PING, 0, closed::incrementAndGet);
    }

    static byte[] event(int i) {
        return ("event: pulse\ndata: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aPageThatReadsGetsEveryEventInOrder() {
        FakeReplyStream out = FakeReplyStream.reading();
        LiveStream s = stream(out);
        for (int i = 0; i < 10 * LiveStream.QUEUE; i++) {
            assertTrue(s.send(event(i), 0), "event " + i);
        }
        assertEquals(10 * LiveStream.QUEUE, out.chunks.size());
        assertTrue(out.chunks.get(7).contains("\"n\":7"));
        assertEquals(10L * LiveStream.QUEUE, stats.snapshot(0, 0).get("events"));
        assertEquals(0, closed.get());
    }

    @Test
    void aPageThatStopsReadingIsDroppedAfterTheQueue() {
        FakeReplyStream out = FakeReplyStream.stalled();
        LiveStream s = stream(out);
        for (int i = 0; i < LiveStream.QUEUE; i++) {
            assertTrue(s.send(event(i), 0), "event " + i + " waits");
        }
        assertTrue(out.open());
        assertFalse(s.send(event(LiveStream.QUEUE), 0), "one more than the queue");
        assertFalse(out.open(), "the connection is closed");
        assertEquals(1, closed.get(), "and the stream said so once");
        assertFalse(s.send(event(0), 0));
        s.close();
        assertEquals(1, closed.get());
    }

    @Test
    void aPageThatLeavesIsSeenAtOnce() {
        FakeReplyStream out = FakeReplyStream.reading();
        LiveStream s = stream(out);
        out.disconnect();
        assertEquals(1, closed.get(), "without waiting for a write to fail");
        assertFalse(s.send(event(0), 0));
    }

    @Test
    void anIdleStreamIsPingedAndSigningOutEndsIt() {
        FakeReplyStream out = FakeReplyStream.reading();
        LiveStream s = stream(out);
        s.ping(PING - 1);
        assertEquals(0, out.chunks.size());
        s.ping(PING);
        assertEquals(": ping\n\n", out.chunks.get(0));
        s.ping(PING + 1);
        assertEquals(1, out.chunks.size(), "one ping an interval");
        assertEquals(0L, stats.snapshot(0, 0).get("events"), "pings are not events");
        s.sendLast("event: signout\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII), PING + 2);
        assertTrue(out.chunks.get(1).startsWith("event: signout"));
        assertFalse(out.open(), "ended after the last event");
        assertEquals(1, closed.get());
    }
}
