package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatFormatsTest {
    @Test
    void findsFloatDirectivesOnly() {
        for (String s : new String[] {"%f", "t=%.2f C", "%e", "%10.3E", "%-+#012g", "%G", "%a", "%A", "%Lf",
                "%*.*f", "%.*e", "x %s y %lf", "%F"}) {
            assertTrue(FloatFormats.hasFloatDirective(s), s);
        }
        for (String s : new String[] {"", "%d %s %x", "100%% full", "%%f", "%5%", "%zu %lld %p", "no directive",
                "%-8s|%c"}) {
            assertFalse(FloatFormats.hasFloatDirective(s), s);
        }
    }
}
