package dev.mote.ota.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which job each device is working on, which image it streams and in what chunks: what every
 * chunk request needs, answered from memory. The database is the truth; this map is rebuilt from
 * it at start and changed only after a commit (Database.afterCommit), so it never runs ahead of
 * it. With several instances the others change the database too: a request for a job this map
 * does not have is looked up in the database (another instance offered it), and an entry older
 * than {@link #TRUST_NANOS} is looked up again (another instance may have ended it: until then,
 * its device may be sent a few chunks of a job it was told to cancel, which it drops).
 */
final class ActiveJobs {
    /**
     * How long an entry is taken as it is, when other instances share the database. A job id is
     * never reused, so an entry can only be out of date by the job having ended; looking entries up
     * every few seconds put a database query per device on the chunk requests' one thread (bench/ota,
     * 2 instances x 1,000 devices: devices ran into their timeouts).
     */
    static final long TRUST_NANOS = 60_000_000_000L;

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
