package dev.mote.ota.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which job each device is working on and which image it streams: what every chunk request
 * needs, answered from memory. The database is the truth; this map is rebuilt from it at start
 * and changed only after a commit (Database.afterCommit), so it never runs ahead of it.
 */
final class ActiveJobs {
    /** A device's job in flight and the SHA-256 of the image it streams. */
    record Active(long job, String image) {
    }

    private final Map<String, Active> byDevice = new ConcurrentHashMap<>();

    void put(String device, long job, String image) {
        byDevice.put(device, new Active(job, image));
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
