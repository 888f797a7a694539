package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameTest {
    @Test
    void fieldsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(256, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame(1, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame(1, 0, 0x100000000L, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame(1, 0, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame(1, 0, 0, new byte[Frame.MAX_PAYLOAD + 1]));
        assertEquals(0, new Frame(1, 0, 0, null).length());
    }

    @Test
    void payloadIsCopiedAndComparedByValue() {
        byte[] p = {1, 2, 3};
        Frame f = Frame.of(FrameType.DATA, 0, 5, p);
        p[0] = 9;
        assertEquals(1, f.payload()[0]);
        f.payload()[1] = 9;
        assertEquals(2, f.payload()[1]);
        assertEquals(Frame.of(FrameType.DATA, 0, 5, new byte[] {1, 2, 3}), f);
        assertEquals(Frame.of(FrameType.DATA, 0, 5, new byte[] {1, 2, 3}).hashCode(), f.hashCode());
        assertNotEquals(Frame.of(FrameType.DATA, 0, 6, new byte[] {1, 2, 3}), f);
    }

    @Test
    void typesAreKnownOrDescribed() {
        assertTrue(Frame.of(FrameType.NAK, 0).is(FrameType.NAK));
        assertEquals(FrameType.STATUS, FrameType.of(0x84).orElseThrow());
        assertTrue(FrameType.of(0x7f).isEmpty());
        assertEquals("type 0x7f", FrameType.describe(0x7f));
        assertEquals("ACK[flags=0, arg=0x10, payload=]", Frame.of(FrameType.ACK, 16).toString());
    }
}
