package dev.mote.ota.store;

import java.util.Locale;

/**
 * Where a rollout is. RUNNING offers jobs; PAUSED offers nothing new, but its jobs in flight go
 * on (and can still fail their deadline); CANCELLED and COMPLETED are final.
 */
public enum RolloutState {
    RUNNING,
    PAUSED,
    CANCELLED,
    COMPLETED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == CANCELLED || this == COMPLETED;
    }

    public static RolloutState fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
