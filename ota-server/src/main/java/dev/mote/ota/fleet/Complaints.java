package dev.mote.ota.fleet;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * What devices did wrong, counted by cause, and logged at most once a minute per device and
 * cause, in one line with no stack trace: an authenticated device that sends garbage in a loop
 * must not be able to flood the server's log (docs/ota-server.md, "Logs"). The counts go to
 * GET /api/stats. Thread-safe.
 */
public final class Complaints {
    /** Why a device's message was not used. */
    public enum Cause {
        /** Not a message of the protocol: unparsable, or on an unknown leaf. */
        MALFORMED,
        /** Names a job that is not the device's (unknown, ended, another device's). */
        UNKNOWN_JOB,
        /** Arrived as a retained message: says nothing about now (only up/status may be retained). */
        RETAINED,
        /** A publish to a topic the device may not publish to (the broker dropped it). */
        REFUSED_PUBLISH,
        /** A subscription outside the device's own down/ topics (the broker refused it). */
        REFUSED_SUBSCRIBE,
        /** A CONNECT with a last will on a topic the device may not publish to (refused). */
        FORGED_WILL,
        /** A packet above the broker's size limit (the connection was closed). */
        OVERSIZED,
        /** Handling it failed in the server: a bug, logged with the device and the error's message. */
        FAILED;

        /** The name in /api/stats: lower case ("unknown_job"). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final long EVERY_NANOS = 60_000_000_000L;
    static final int MAX_TRACKED = 10_000;

    private record Key(String device, Cause cause) {
    }

    private final Map<Cause, LongAdder> counts = new EnumMap<>(Cause.class);
    private final Map<Key, Long> lastLogged = new ConcurrentHashMap<>();
    private final Map<Key, AtomicLong> suppressed = new ConcurrentHashMap<>();
    private final LongSupplier nanos;
    private volatile Consumer<String> log;

    /** Logs WARN lines through tinylog. */
    public Complaints() {
        this(System::nanoTime, line -> Logger.warn(line));
    }

    /** For tests: a clock and where the lines go. */
    public Complaints(LongSupplier nanos, Consumer<String> log) {
        this.nanos = nanos;
        this.log = log;
        for (Cause c : Cause.values()) {
            counts.put(c, new LongAdder());
        }
    }

    /**
     * Counts one complaint about {@code device} and logs it unless this device was logged for
     * this cause in the last minute; the line says how many were left out since.
     * {@code detail} should be short (it is cut at 200 characters) and must not carry a stack trace.
     */
    public void complain(String device, Cause cause, String detail) {
        counts.get(cause).increment();
        String who = device == null ? "?" : clean(device.length() > 80 ? device.substring(0, 80) + "..." : device);
        Key k = new Key(who, cause);
        long now = nanos.getAsLong();
        Long last = lastLogged.get(k);
        if (last != null && now - last < EVERY_NANOS) {
            suppressed.computeIfAbsent(k, x -> new AtomicLong()).incrementAndGet();
            return;
        }
        if (lastLogged.size() >= MAX_TRACKED && last == null) {
            lastLogged.clear(); // bounded: at worst a device is logged again sooner
            suppressed.clear();
        }
        lastLogged.put(k, now);
        AtomicLong skipped = suppressed.remove(k);
        String d = detail == null ? "" : clean(detail);
        if (d.length() > 200) {
            d = d.substring(0, 200) + "...";
        }
        log.accept("device " + who + ": " + cause.key().replace('_', ' ') + ": " + d
                + (skipped != null && skipped.get() > 0 ? " (" + skipped.get() + " more since the last line)" : "")
                + " (at most one line a minute per device and cause)");
    }

    /** {@code s} with every control character a space: one line, nothing a terminal acts on. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f ? ' ' : ch);
        }
        return b.toString();
    }

    /** Where the lines go from now on (tests). */
    public void logTo(Consumer<String> sink) {
        this.log = sink;
    }

    /** A failure in one line: its class, message and where it was thrown, never the whole trace. */
    public static String describe(Throwable e) {
        StackTraceElement[] at = e.getStackTrace();
        return e.getClass().getSimpleName() + ": " + e.getMessage()
                + (at.length > 0 ? " (at " + at[0].getClassName() + "." + at[0].getMethodName() + ":"
                + at[0].getLineNumber() + ")" : "");
    }

    public long count(Cause cause) {
        return counts.get(cause).sum();
    }

    /** Every cause's count, by {@link Cause#key()}, in declaration order. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Cause c : Cause.values()) {
            m.put(c.key(), counts.get(c).sum());
        }
        return m;
    }

    /** The sum of several components' counts, by cause. */
    public static Map<String, Long> sum(Complaints... parts) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Complaints p : parts) {
            if (p != null) {
                p.counts().forEach((k, v) -> m.merge(k, v, Long::sum));
            }
        }
        return m;
    }
}
