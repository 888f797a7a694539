package dev.mote.ota.protocol;

/** A message that does not follow docs/ota-protocol.md; the text says what is wrong. */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
