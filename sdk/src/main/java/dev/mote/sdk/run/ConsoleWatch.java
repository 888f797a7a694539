package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;

/**
 * Reads the guest's console line by line while it runs (when the console is this process's, not
 * a TCP port or a pty). A line that shows the run can no longer succeed returns the failure: QEMU
 * is stopped at once and {@link QemuRunner#run} throws it, instead of waiting for a timeout.
 */
@FunctionalInterface
public interface ConsoleWatch {
    /** The failure this line shows, or null to carry on. Called on the console's reader thread. */
    MoteException check(String line);
}
