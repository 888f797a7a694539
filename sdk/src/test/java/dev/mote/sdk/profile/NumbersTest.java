package dev.mote.sdk.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumbersTest {
    @Test
    void parsesBytesSuffixesAndHex() {
        assertEquals(4096L, Numbers.parse("4096"));
        assertEquals(64L << 10, Numbers.parse("64K"));
        assertEquals(128L << 20, Numbers.parse("128M"));
        assertEquals(1L << 30, Numbers.parse("1G"));
        assertEquals(0x40080000L, Numbers.parse("0x40080000"));
        assertEquals(0x10L << 20, Numbers.parse("0x10M"));
    }

    @Test
    void rejectsWhatIsNotANumber() {
        assertNull(Numbers.parse("12Q"));
        assertNull(Numbers.parse("0x"));
        assertNull(Numbers.parse("-5"));
        assertNull(Numbers.parse(""));
        assertNull(Numbers.parse("99999999999G"));
    }

    @Test
    void argumentErrorsNameTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Numbers.parseArgument("--mem", "lots"));
        assertTrue(e.getMessage().startsWith("--mem: 'lots' is not a size"));
    }

    @Test
    void formatsHumanSizes() {
        assertEquals("512 B", Numbers.human(512));
        assertEquals("23.1 KiB", Numbers.human(23654));
        assertEquals("310 KiB", Numbers.human(310 * 1024));
        assertEquals("1.5 MiB", Numbers.human(3L << 19));
    }
}
