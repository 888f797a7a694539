package dev.mote.sdk.run;

import dev.mote.sdk.profile.Profile;

/**
 * Maps QEMU's exit status to the guest's exit code. With semihosting QEMU exits with the
 * guest's code. With isa-debug-exit the guest writes code+1 and QEMU exits
 * {@code ((code+1) << 1) | 1}, so an odd status s >= 3 means guest code (s-3)/2 and anything
 * else means QEMU itself stopped for another reason.
 */
public final class GuestExit {
    private GuestExit() {
    }

    /**
     * The status QEMU exits with when the guest exits with {@code guestCode} (0..127): the inverse
     * of {@link #guestCode}, for scripts that start QEMU themselves (`mote profiles --json` gives
     * it as qemu_ok_status).
     */
    public static int qemuStatus(Profile.ExitMethod method, int guestCode) {
        return method == Profile.ExitMethod.DEBUG_EXIT ? ((guestCode + 1) << 1) | 1 : guestCode;
    }

    /** The guest's exit code, or null if the status is not one the guest can have caused. */
    public static Integer guestCode(Profile.ExitMethod method, int status, String qemuStderr) {
        switch (method) {
            case SEMIHOSTING:
            case NONE:
                // QEMU's own failures (bad option, missing file) exit 1 with a "qemu-system-*:" message.
                boolean qemuFailed = status != 0 && qemuStderr.contains("qemu-system-");
                return qemuFailed || status > 255 ? null : status;
            case DEBUG_EXIT:
                return status >= 3 && status % 2 == 1 ? (status - 3) / 2 : null;
            default:
                return null;
        }
    }
}
