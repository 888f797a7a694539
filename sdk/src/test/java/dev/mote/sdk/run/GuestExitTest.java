package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mote.sdk.profile.Profile.ExitMethod;
import org.junit.jupiter.api.Test;

class GuestExitTest {
    @Test
    void semihostingPassesTheCodeThrough() {
        assertEquals(0, GuestExit.guestCode(ExitMethod.SEMIHOSTING, 0, ""));
        assertEquals(101, GuestExit.guestCode(ExitMethod.SEMIHOSTING, 101, ""));
        assertEquals(1, GuestExit.guestCode(ExitMethod.SEMIHOSTING, 1, ""));
    }

    @Test
    void semihostingRecognisesQemusOwnFailure() {
        assertNull(GuestExit.guestCode(ExitMethod.SEMIHOSTING, 1,
                "qemu-system-aarch64: could not load kernel 'x.elf'\n"));
    }

    @Test
    void debugExitDecodesTheShiftedCode() {
        assertEquals(0, GuestExit.guestCode(ExitMethod.DEBUG_EXIT, 3, ""));
        assertEquals(1, GuestExit.guestCode(ExitMethod.DEBUG_EXIT, 5, ""));
        assertEquals(101, GuestExit.guestCode(ExitMethod.DEBUG_EXIT, (102 << 1) | 1, ""));
        assertNull(GuestExit.guestCode(ExitMethod.DEBUG_EXIT, 1, "qemu-system-x86_64: bad"));
        assertNull(GuestExit.guestCode(ExitMethod.DEBUG_EXIT, 0, ""));
        assertNull(GuestExit.guestCode(ExitMethod.DEBUG_EXIT, 2, ""));
    }

    @Test
    void qemuStatusIsTheInverse() {
        for (int code : new int[] {0, 1, 101, 127}) {
            for (ExitMethod m : new ExitMethod[] {ExitMethod.SEMIHOSTING, ExitMethod.DEBUG_EXIT}) {
                assertEquals(code, GuestExit.guestCode(m, GuestExit.qemuStatus(m, code), ""), m + " " + code);
            }
        }
        assertEquals(3, GuestExit.qemuStatus(ExitMethod.DEBUG_EXIT, 0));
        assertEquals(0, GuestExit.qemuStatus(ExitMethod.SEMIHOSTING, 0));
    }
}
