package dev.mote.ota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Option values: accepted forms, and errors that name the option and what it wants. */
class ArgsTest {
    @Test
    void wholeNumbersHaveALowerBound() {
        assertEquals(0, Args.whole("--crash", "0", 0));
        assertEquals(12, Args.whole("--devices", "12", 1));
        assertEquals("--devices: '0' is not a whole number >= 1",
                assertThrows(IllegalArgumentException.class, () -> Args.whole("--devices", "0", 1)).getMessage());
        assertEquals("--hang: 'x' is not a whole number >= 0",
                assertThrows(IllegalArgumentException.class, () -> Args.whole("--hang", "x", 0)).getMessage());
    }

    @Test
    void portsRunFromZeroTo65535() {
        assertEquals(0, Args.port("--http-port", "0"));
        assertEquals(65535, Args.port("--http-port", "65535"));
        assertEquals("--mqtt-port: '65536' is not a port (0-65535)",
                assertThrows(IllegalArgumentException.class, () -> Args.port("--mqtt-port", "65536")).getMessage());
    }

    @Test
    void timesTakeAUnitAndTheErrorNamesTheirOption() {
        assertEquals(90, Args.seconds("--deadline", "90"));
        assertEquals(90, Args.seconds("--deadline", "90s"));
        assertEquals(1800, Args.seconds("--deadline", "30m"));
        assertEquals(7200, Args.seconds("--duration", "2h"));
        assertEquals("--every: '0s' is not a time like 90s, 30m or 2h",
                assertThrows(IllegalArgumentException.class, () -> Args.seconds("--every", "0s")).getMessage());
    }

    @Test
    void sharesArePercentagesOrFractions() {
        assertEquals(0.95, Args.fraction("--success", "95%"), 1e-9);
        assertEquals(0.1, Args.fraction("--failure", "0.1"), 1e-9);
        assertEquals("--failure: '120%' is not a share like 95% or 0.95",
                assertThrows(IllegalArgumentException.class, () -> Args.fraction("--failure", "120%")).getMessage());
    }
}
