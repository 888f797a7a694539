package dev.mote.ota.fleet;

import static dev.mote.ota.fleet.FleetException.Reason.BAD_REQUEST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhasesTest {
    @Test
    void cumulativeSizesResolveAgainstTheFleet() {
        assertArrayEquals(new int[] {10, 100}, Phases.cumulative(List.of("10", "100%"), 100));
        assertArrayEquals(new int[] {10, 50, 100}, Phases.cumulative(List.of("10", "50%", "100%"), 100));
        assertArrayEquals(new int[] {1, 50}, Phases.cumulative(List.of("1%", "100%"), 50));
        assertArrayEquals(new int[] {1, 7}, Phases.cumulative(List.of("12.5%", "100%"), 7));
        assertArrayEquals(new int[] {2, 16}, Phases.cumulative(List.of("12.5%", "100%"), 16));
        assertArrayEquals(new int[] {5, 20}, Phases.cumulative(List.of("5", "20"), 20));
        // A small fleet: the canary takes everything the middle phase would; that phase is empty.
        assertArrayEquals(new int[] {10, 10, 12}, Phases.cumulative(List.of("10", "50%", "100%"), 12));
        assertArrayEquals(new int[] {0, 0}, Phases.cumulative(List.of("10", "100%"), 0));
    }

    @Test
    void devicesGoToPhasesInPlanOrder() {
        int[] phase = Phases.assign(List.of("3", "50%", "100%"), 10);
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 3, 3, 3, 3, 3}, phase);
        assertEquals(0, Phases.assign(List.of("100%"), 0).length);
        assertTrue(Arrays.stream(Phases.assign(List.of("100%"), 5)).allMatch(p -> p == 1));
    }

    @Test
    void badPhasesAreRefusedNamingThePhase() {
        refused(List.of(), "phases: at least one is needed, e.g. [\"100%\"] or [\"10\", \"100%\"]");
        refused(List.of("0", "100%"), "phases: phase 1 '0': a count must be at least 1, a percentage 0-100% above 0");
        refused(List.of("150%"), "phases: phase 1 '150%': a count must be at least 1, a percentage 0-100% above 0");
        refused(List.of("0%", "100%"), "phases: phase 1 '0%': a count must be at least 1, a percentage 0-100% above"
                + " 0");
        refused(List.of("-5", "100%"), "phases: phase 1 '-5' is neither a device count (\"10\") nor a percentage"
                + " (\"50%\")");
        refused(Arrays.asList("10", null), "phases: phase 2 '' is neither a device count (\"10\") nor a percentage"
                + " (\"50%\")");
        refused(List.of("50%", "50%", "100%"), "phases: phase 2 '50%' does not grow beyond '50%' before it: phases"
                + " are cumulative (e.g. \"10\", \"50%\", \"100%\")");
        refused(List.of("100%", "200"), "phases: phase 2 '200' comes after '100%', which already covers every"
                + " device");
        FleetException e = assertThrows(FleetException.class, () -> Phases.cumulative(List.of("10", "20"), 25));
        assertEquals("phases: the last phase ('20') covers 20 of the 25 devices to update; it must reach all of"
                + " them (make it '100%')", e.getMessage());
        assertEquals(List.of("10", "100%"), Phases.check(List.of(" 10", "100% ")));
    }

    private static void refused(List<String> phases, String message) {
        FleetException e = assertThrows(FleetException.class, () -> Phases.check(phases));
        assertEquals(BAD_REQUEST, e.reason());
        assertEquals(message, e.getMessage());
    }
}
