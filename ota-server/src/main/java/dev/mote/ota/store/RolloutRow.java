package dev.mote.ota.store;

import java.util.List;

/**
 * A row of the rollouts table: the spec it was created with, and where it is. {@code phase} is
 * the current phase, 1-based ({@code phaseCount + 1} once completed); {@code failuresAcked}
 * counts the current phase's failures an operator accepted by resuming after an automatic
 * pause, so the failure threshold applies to failures beyond those.
 */
public record RolloutRow(long id, String name, String image, String group, String tag, List<String> phases,
                         int maxInFlight, long deadlineSeconds, double successThreshold, double failureThreshold,
                         RolloutState state, String reason, int phase, int phaseCount, int failuresAcked,
                         long createdAt, long updatedAt) {
}
