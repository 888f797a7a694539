package dev.mote.ota.store;

/**
 * A row of the devices table. profile/version/slot are null and maxChunk 0 until the device's
 * first hello; counter is the security counter it reported (or last confirmed).
 */
public record DeviceRow(String id, String group, String profile, String version, long counter, String slot,
                        int maxChunk, boolean online, long firstSeen, long lastSeen) {
    /** Whether the device has said hello at least once (so its profile and counter are known). */
    public boolean seen() {
        return profile != null;
    }
}
