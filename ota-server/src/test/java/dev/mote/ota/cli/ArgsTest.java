package dev.mote.ota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** A time is checked against its bound before it is multiplied: 10^17 hours never overflows into a small one. */
    @Test
    void timesAreBounded() {
        assertEquals(30L * 24 * 3600, Args.seconds("--deadline", "720h", 30L * 24 * 3600));
        assertEquals("--deadline: '721h' is above the most allowed, 2592000s (30 days)",
                assertThrows(IllegalArgumentException.class,
                        () -> Args.seconds("--deadline", "721h", 30L * 24 * 3600)).getMessage());
        for (String huge : new String[] {"99999999999999999h", "3074457345618258603m", "9223372036854775807s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Args.seconds("--deadline", huge, 30L * 24 * 3600), huge);
            assertTrue(e.getMessage().startsWith("--deadline: '" + huge + "' is"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Args.seconds("--every", "99999999999999999999h"));
    }

    @Test
    void sharesArePercentagesOrFractions() {
        assertEquals(0.95, Args.fraction("--success", "95%"), 1e-9);
        assertEquals(0.1, Args.fraction("--failure", "0.1"), 1e-9);
        assertEquals("--failure: '120%' is not a share like 95% or 0.95",
                assertThrows(IllegalArgumentException.class, () -> Args.fraction("--failure", "120%")).getMessage());
    }
}
