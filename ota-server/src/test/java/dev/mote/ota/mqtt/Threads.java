package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    public static void assertNoneLeft(Set<Thread> before) throws InterruptedException {
        long until = System.nanoTime() + 15_000_000_000L;
        List<String> left;
        do {
            Set<Thread> now = live();
            now.removeAll(before);
            left = now.stream().map(Thread::getName).sorted().toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < until);
        assertEquals(List.of(), left, "threads still running");
    }
}
