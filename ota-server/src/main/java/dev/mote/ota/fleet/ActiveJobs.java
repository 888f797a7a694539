package dev.mote.ota.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which job each device is working on, which image it streams and in what chunks: what every
 * chunk request needs, answered from memory. The database is the truth; this map is rebuilt from
 * it at start and changed only after a commit (Database.afterCommit), so it never runs ahead of
 * it. With several instances the others change the database too: an entry this instance did not
 * write, or one older than {@link #TRUST_NANOS}, is checked against the database again
 * (FleetService.jobImage).
 */
final class ActiveJobs {
    /** How long an entry is taken as it is, when other instances share the database. */
    static final long TRUST_NANOS = 5_000_000_000L;

    /** A device's job in flight, the SHA-256 of the image it streams, its chunking, and when that was known. */
    record Active(long job, String image, int chunk, int window, long knownAt) {
        boolean fresh(long now) {
            return now - knownAt < TRUST_NANOS;
        }
    }

    private final Map<String, Active> byDevice = new ConcurrentHashMap<>();

    void put(String device, long job, String image, int chunk, int window) {
        byDevice.put(device, new Active(job, image, chunk, window, System.nanoTime()));
    }

    /** Forgets the device's job, if it is still {@code job}. */
    void remove(String device, long job) {
        byDevice.computeIfPresent(device, (d, a) -> a.job() == job ? null : a);
    }

    Active get(String device) {
        return byDevice.get(device);
    }

    Long jobOf(String device) {
        Active a = byDevice.get(device);
        return a == null ? null : a.job();
    }

    void clear() {
        byDevice.clear();
    }
}
