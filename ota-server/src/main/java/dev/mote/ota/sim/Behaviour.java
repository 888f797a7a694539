package dev.mote.ota.sim;

/** What a simulated device's new image does after its TEST boot. */
public enum Behaviour {
    /** Runs and confirms itself: the device reports {@code confirmed}. */
    CONFIRM,
    /** Crashes before confirming; the bootloader reverts and the old image reports {@code rolledback}. */
    CRASH,
    /** Hangs without a word; the server's deadline is what fails the job. */
    HANG
}
