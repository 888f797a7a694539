package dev.mote.sdk.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SlotTest {
    @Test
    void codesMatchTheRecord() {
        assertEquals(0, Slot.A.code());
        assertEquals(1, Slot.B.code());
        assertEquals(0xff, Slot.NONE.code());
        assertEquals(Slot.B, Slot.ofCode(1));
        assertNull(Slot.ofCode(2));
        assertEquals("slot_b", Slot.B.partition());
        assertEquals(Slot.A, Slot.B.other());
        assertEquals("none", Slot.NONE.toString());
    }

    @Test
    void parsesTheCommandLineSpelling() {
        assertEquals(Slot.A, Slot.parse("--active", "a"));
        assertEquals(Slot.B, Slot.parse("--pending", "B"));
        assertEquals("--active: 'c' is not a slot (a or b)",
                assertThrows(IllegalArgumentException.class, () -> Slot.parse("--active", "c")).getMessage());
    }
}
