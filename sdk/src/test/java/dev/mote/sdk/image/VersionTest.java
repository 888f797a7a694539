package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void parsesAndPrintsMajorMinorPatch() {
        Version v = Version.parse("--version", "1.20.300");
        assertEquals(new Version(1, 20, 300), v);
        assertEquals("1.20.300", v.toString());
        assertEquals("4294967295.0.0", Version.parse("--version", "4294967295.0.0").toString());
    }

    @Test
    void ordersNumericallyNotAsText() {
        assertTrue(Version.parse("v", "1.10.0").compareTo(Version.parse("v", "1.9.9")) > 0);
        assertEquals(0, Version.ZERO.compareTo(new Version(0, 0, 0)));
    }

    @Test
    void refusalsNameTheArgument() {
        for (String bad : new String[] {"1.2", "1.2.3.4", "v1.2.3", "1.-2.3", "", "4294967296.0.0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Version.parse("--version", bad), bad);
            assertTrue(e.getMessage().startsWith("--version: '" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Version(-1, 0, 0));
    }
}
