package dev.mote.flasher.protocol;

import java.time.Duration;

/**
 * How a transfer paces itself (docs/flasher-protocol.md, "Timeouts and retransmission").
 *
 * @param maxPayload   DATA payload bytes per frame; 0 = the device's max_payload (capped by it anyway)
 * @param window       DATA frames in flight; 0 = the device's window (capped by it anyway)
 * @param helloTimeout wait for INFO after each HELLO
 * @param helloTries   HELLOs sent before giving up (a board may still be resetting)
 * @param ackTimeout   wait for an ACK that advances before resending from the last acknowledged offset
 * @param maxRetries   consecutive timeouts without progress before giving up (also for BEGIN, END)
 * @param endTimeout   wait for the STATUS after END: the device hashes and checks the whole slot
 * @param reboot       after a good END, send REBOOT so the board starts the new image (in TEST)
 * @param compress     send LZ4-compressed DATA frames where the device takes them and they come out smaller
 */
public record TransferOptions(int maxPayload, int window, Duration helloTimeout, int helloTries, Duration ackTimeout,
        int maxRetries, Duration endTimeout, boolean reboot, boolean compress) {
    public TransferOptions {
        if (maxPayload != 0 && (maxPayload < Frame.MIN_PAYLOAD || maxPayload > Frame.MAX_PAYLOAD)) {
            throw new IllegalArgumentException("max payload: 0 (the device's) or " + Frame.MIN_PAYLOAD + ".."
                    + Frame.MAX_PAYLOAD + ", got " + maxPayload);
        }
        if (window < 0 || window > 255) {
            throw new IllegalArgumentException("window: 0 (the device's) or 1..255, got " + window);
        }
        if (helloTries < 1 || maxRetries < 0) {
            throw new IllegalArgumentException("hello tries >= 1 and max retries >= 0");
        }
    }

    /**
     * The defaults: the device's frame size and window; timeouts for a 115200-baud UART and up;
     * compression where the device takes it.
     */
    public static TransferOptions defaults() {
        return new TransferOptions(0, 0, Duration.ofMillis(500), 10, Duration.ofSeconds(2), 8,
                Duration.ofSeconds(60), false, true);
    }

    public TransferOptions withAckTimeout(Duration d) {
        return new TransferOptions(maxPayload, window, helloTimeout, helloTries, d, maxRetries, endTimeout, reboot,
                compress);
    }

    public TransferOptions withHello(Duration timeout, int tries) {
        return new TransferOptions(maxPayload, window, timeout, tries, ackTimeout, maxRetries, endTimeout, reboot,
                compress);
    }

    public TransferOptions withFrames(int payload, int frames) {
        return new TransferOptions(payload, frames, helloTimeout, helloTries, ackTimeout, maxRetries, endTimeout,
                reboot, compress);
    }

    public TransferOptions withReboot(boolean r) {
        return new TransferOptions(maxPayload, window, helloTimeout, helloTries, ackTimeout, maxRetries, endTimeout, r,
                compress);
    }

    /** Whether to compress DATA (where the device takes it); false sends every frame as it is. */
    public TransferOptions withCompression(boolean c) {
        return new TransferOptions(maxPayload, window, helloTimeout, helloTries, ackTimeout, maxRetries, endTimeout,
                reboot, c);
    }
}
