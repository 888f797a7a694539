package dev.mote.sdk.run;

import java.time.Duration;
import java.util.List;

/**
 * A finished run.
 *
 * @param guestExitCode what the guest passed to mote_exit (or app_main returned)
 * @param qemuStatus    QEMU's own exit status, before mapping
 * @param command       the QEMU command line that ran
 */
public record RunResult(int guestExitCode, int qemuStatus, Duration took, List<String> command) {
    public RunResult {
        command = List.copyOf(command);
    }
}
