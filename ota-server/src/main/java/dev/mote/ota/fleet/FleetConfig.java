package dev.mote.ota.fleet;

import dev.mote.ota.protocol.Chunk;

/**
 * Tuning of the fleet logic.
 *
 * @param chunkSize bytes per chunk an offer asks for, lowered to a device's max_chunk
 * @param window chunks per request an offer allows
 * @param tickMillis how often the rollout engine looks at deadlines, thresholds and free slots
 *     when no device event wakes it earlier; 0: no engine thread, the caller runs
 *     {@link FleetService#tick} itself (tests drive time that way)
 * @param cachedImages images kept in memory to answer chunk requests
 * @param fullSync SQLite synchronous=FULL (an fsync per commit) instead of NORMAL; see
 *     {@link dev.mote.ota.store.Database}
 * @param nudgeMillis a job in flight that nothing moved for this long is offered again to its
 *     (online) device, which then resumes, or repeats how the job ended: what was lost with a
 *     server that died holding it (a report it had taken from the broker, an offer it had not
 *     sent yet) comes back without waiting for the deadline; 0: never
 */
public record FleetConfig(int chunkSize, int window, long tickMillis, int cachedImages, boolean fullSync,
                          long nudgeMillis) {
    public static final FleetConfig DEFAULTS = new FleetConfig(16384, 4, 200, 4, false, 30_000);

    public FleetConfig(int chunkSize, int window, long tickMillis, int cachedImages, boolean fullSync) {
        this(chunkSize, window, tickMillis, cachedImages, fullSync, 30_000);
    }

    public FleetConfig {
        if (chunkSize < Chunk.MIN_DATA || chunkSize > Chunk.MAX_DATA) {
            throw new IllegalArgumentException("chunk size: must be " + Chunk.MIN_DATA + ".." + Chunk.MAX_DATA
                    + ", got " + chunkSize);
        }
        if (window < 1 || window > 256) {
            throw new IllegalArgumentException("window: must be 1..256 chunks, got " + window);
        }
        if (tickMillis < 0 || cachedImages < 1 || nudgeMillis < 0) {
            throw new IllegalArgumentException("tick and nudge must be >= 0 ms and the image cache >= 1 image");
        }
    }

    /** The same, with the engine driven by the caller (tickMillis 0). */
    public FleetConfig manualTicks() {
        return new FleetConfig(chunkSize, window, 0, cachedImages, fullSync, nudgeMillis);
    }
}
