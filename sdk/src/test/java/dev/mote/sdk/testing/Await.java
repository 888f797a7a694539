package dev.mote.sdk.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waiting in tests for something another thread or process does, always with a time limit: the
 * one place the suite polls. Polls start 5 ms apart and back off to 100 ms, so a quick condition
 * costs little and a slow one (a REST call, a QEMU boot) is not asked hundreds of times a second.
 */
public final class Await {
    private static final long FIRST_NANOS = 5_000_000L;
    private static final long MAX_NANOS = 100_000_000L;

    /** A condition that may throw (reading a socket, a file, a REST API). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Waits until {@code condition} holds; AssertionError naming {@code what} if it does not within {@code timeout}. */
    public static void await(Condition condition, Duration timeout, String what) throws Exception {
        if (!until(condition, timeout)) {
            throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
        }
    }

    /** Waits until {@code condition} holds: true, or false once {@code timeout} passed without it. */
    public static boolean until(Condition condition, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_NANOS;
        while (!condition.holds()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(pause, left) / 1_000_000L));
            pause = Math.min(2 * pause, MAX_NANOS);
        }
        return true;
    }

    /**
     * Reads a value until {@code done} accepts it or {@code timeout} passes: the last value read
     * either way (so the caller's assertion can show it).
     */
    public static <T> T poll(Callable<T> read, Predicate<T> done, Duration timeout) throws Exception {
        Object[] last = {read.call()};
        until(() -> {
            if (done.test(cast(last[0]))) {
                return true;
            }
            last[0] = read.call();
            return done.test(cast(last[0]));
        }, timeout);
        return cast(last[0]);
    }

    /**
     * Calls {@code attempt} until it does not throw {@code transientFailure} (a socket that is not
     * listening yet): its result; after {@code timeout}, the last such failure is thrown.
     */
    public static <T> T retrying(Callable<T> attempt, Class<? extends Exception> transientFailure,
            Duration timeout) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        boolean ok = until(() -> {
            try {
                result[0] = attempt.call();
                return true;
            } catch (Exception e) {
                if (!transientFailure.isInstance(e)) {
                    throw e;
                }
                failure[0] = e;
                return false;
            }
        }, timeout);
        if (!ok) {
            throw failure[0];
        }
        return cast(result[0]);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
