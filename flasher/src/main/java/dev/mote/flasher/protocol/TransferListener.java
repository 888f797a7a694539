package dev.mote.flasher.protocol;

import dev.mote.flasher.protocol.ProtocolMessages.Info;

/** What a transfer reports as it goes (a CLI's progress bar, logs); every method is optional. */
public interface TransferListener {
    TransferListener NONE = new TransferListener() {
    };

    /** The device named itself; nothing has been written yet. */
    default void connected(Info device) {
    }

    /** Sending starts at {@code offset}: 0, or where an interrupted transfer of this image stopped. */
    default void starting(long offset, long total) {
    }

    /** The device holds every byte below {@code acked}. */
    default void progress(long acked, long total) {
    }

    /** Resending from {@code offset}, and why ("NAK: damaged frame", "timeout", ...). */
    default void retransmit(long offset, String why) {
    }
}
