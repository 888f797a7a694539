package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.sdk.testing.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks that what a test started (brokers, clients, pools) stopped every thread it made. */
public final class Threads {
    private Threads() {
    }

    /** Live non-daemon threads: the ones that would keep a JVM from exiting. */
    public static Set<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** Waits up to 15 s for the non-daemon threads started since {@code before} to end. */
    public static void assertNoneLeft(Set<Thread> before) throws Exception {
        List<String> left = Await.poll(() -> startedSince(before), List::isEmpty, Duration.ofSeconds(15));
        assertEquals(List.of(), left, "threads still running");
    }

    private static List<String> startedSince(Set<Thread> before) {
        Set<Thread> now = live();
        now.removeAll(before);
        return now.stream().map(Thread::getName).sorted().toList();
    }
}
