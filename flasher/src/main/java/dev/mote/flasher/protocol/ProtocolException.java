package dev.mote.flasher.protocol;

import java.io.IOException;
import java.util.Optional;

/**
 * A recovery transfer failed: the device refused (its STATUS code), the flasher refused before
 * writing (profile, security counter, size), or the link misbehaved (timeouts, malformed or
 * unexpected frames; no status). The message says what failed and what to try.
 */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ProtocolStatus status;

    public ProtocolException(ProtocolStatus status, String message) {
        super(message);
        this.status = status;
    }

    /** A link or protocol failure with no device status. */
    public ProtocolException(String message) {
        this(null, message);
    }

    /** The device's (or the flasher's own) refusal code; empty for link and protocol failures. */
    public Optional<ProtocolStatus> status() {
        return Optional.ofNullable(status);
    }
}
