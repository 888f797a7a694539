package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionsTest {
    /** A clock the test moves. */
    static final class Manual extends Clock {
        long millis = 1_000_000;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void pass(Duration d) {
            millis += d.toMillis();
        }
    }

    final Manual clock = new Manual();
    final Sessions sessions = new Sessions(clock);

    @Test
    void aSessionIsTwoRandomSecrets() {
        Sessions.Session a = sessions.create();
        Sessions.Session b = sessions.create();
        assertEquals(43, a.id.length());
        assertNotEquals(a.id, b.id);
        assertNotEquals(a.id, a.csrf());
        assertSame(a, sessions.use(a.id));
        assertNull(sessions.use("nonsense"));
        assertNull(sessions.use(null));
    }

    @Test
    void aSessionEndsWhenIdleOrOld() {
        Sessions.Session s = sessions.create();
        clock.pass(Sessions.IDLE.minusSeconds(1));
        assertNotNull(sessions.use(s.id), "used within the idle time");
        clock.pass(Sessions.IDLE.minusSeconds(1));
        assertNotNull(sessions.peek(s.id), "the last use counts");
        clock.pass(Duration.ofSeconds(2));
        assertNull(sessions.peek(s.id), "idle too long");

        Sessions.Session busy = sessions.create();
        for (long t = 0; t < Sessions.MAX_AGE.toMinutes() - 30; t += 30) {
            clock.pass(Duration.ofMinutes(30));
            assertNotNull(sessions.use(busy.id));
        }
        clock.pass(Duration.ofMinutes(30));
        assertNull(sessions.use(busy.id), "older than the maximum age, however busy");
    }

    @Test
    void endedSessionsAreGoneAndTheOldestMakesRoom() {
        Sessions.Session s = sessions.create();
        sessions.end(s);
        assertNull(sessions.use(s.id));
        Sessions.Session first = sessions.create();
        clock.pass(Duration.ofSeconds(1));
        for (int i = 1; i < Sessions.MAX_SESSIONS; i++) {
            sessions.create();
        }
        assertEquals(Sessions.MAX_SESSIONS, sessions.size());
        sessions.create();
        assertEquals(Sessions.MAX_SESSIONS, sessions.size());
        assertNull(sessions.peek(first.id), "the one used longest ago made room");
    }
}
