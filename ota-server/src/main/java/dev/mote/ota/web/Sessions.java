package dev.mote.ota.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's sign-in sessions, in memory (a restart signs everybody out). A session is a
 * random id, sent only as an HttpOnly cookie, and a random CSRF token that the page holds and
 * sends back in a header with every state-changing request. A session ends when signed out,
 * after {@link #IDLE} without a request, or {@link #MAX_AGE} after sign-in, whichever is first.
 */
public final class Sessions {
    public static final String COOKIE = "mote_session";
    public static final Duration IDLE = Duration.ofHours(1);
    public static final Duration MAX_AGE = Duration.ofHours(12);
    /** Beyond this many, signing in ends the session used longest ago. */
    static final int MAX_SESSIONS = 64;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** One signed-in browser. */
    public static final class Session {
        final String id;
        final String csrf;
        final long created;
        volatile long lastUsed;

        Session(String id, String csrf, long created) {
            this.id = id;
            this.csrf = csrf;
            this.created = created;
            this.lastUsed = created;
        }

        public String csrf() {
            return csrf;
        }

        /** When it ends if used now (epoch ms). */
        public long expires() {
            return Math.min(created + MAX_AGE.toMillis(), lastUsed + IDLE.toMillis());
        }
    }

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session (after a correct sign-in). */
    public Session create() {
        long now = clock.millis();
        byId.values().removeIf(s -> !alive(s, now));
        while (byId.size() >= MAX_SESSIONS) {
            byId.values().stream().min(Comparator.comparingLong(s -> s.lastUsed))
                    .ifPresent(s -> byId.remove(s.id));
        }
        Session s = new Session(token(), token(), now);
        byId.put(s.id, s);
        return s;
    }

    /** The live session with this id (the cookie's value), marked used now; null if none. */
    public Session use(String id) {
        Session s = peek(id);
        if (s != null) {
            s.lastUsed = clock.millis();
        }
        return s;
    }

    /** The live session with this id, without marking it used (a live stream's periodic check). */
    public Session peek(String id) {
        if (id == null) {
            return null;
        }
        Session s = byId.get(id);
        if (s == null) {
            return null;
        }
        if (!alive(s, clock.millis())) {
            byId.remove(id);
            return null;
        }
        return s;
    }

    public boolean alive(Session s) {
        return byId.get(s.id) == s && alive(s, clock.millis());
    }

    public void end(Session s) {
        byId.remove(s.id);
    }

    public int size() {
        return byId.size();
    }

    private static boolean alive(Session s, long now) {
        return now < s.expires();
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }
}
