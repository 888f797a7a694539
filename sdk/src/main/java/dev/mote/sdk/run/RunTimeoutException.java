package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;
import java.time.Duration;

/**
 * The run's timeout expired while the guest was still running, and QEMU was stopped. For a test
 * that expects the guest to exit, a failure; `mote run --timeout` reports it as the firmware
 * still running (exit 124), which is what firmware that never exits does.
 */
public final class RunTimeoutException extends MoteException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    RunTimeoutException(Duration timeout) {
        super("timed out after " + timeout.toSeconds() + " s: QEMU was killed",
                "the guest may be hung: rerun with --gdb to attach a debugger, or raise --timeout");
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
