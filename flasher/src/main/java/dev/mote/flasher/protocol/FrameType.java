package dev.mote.flasher.protocol;

import java.util.Optional;

/**
 * The frame types of docs/flasher-protocol.md: host to device below 0x80, device to host from
 * 0x80. Codes are kept as {@code int} in {@link Frame} so a frame of a type this version does not
 * know still decodes (and is answered or ignored, rather than breaking the stream).
 */
public enum FrameType {
    HELLO(0x01),
    BEGIN(0x02),
    DATA(0x03),
    END(0x04),
    ABORT(0x05),
    REBOOT(0x06),
    INFO(0x81),
    ACK(0x82),
    NAK(0x83),
    STATUS(0x84);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** The type with this code, or empty for a code this version does not know. */
    public static Optional<FrameType> of(int code) {
        for (FrameType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Name for logs: the type's name, or "type 0x.." for an unknown code. */
    public static String describe(int code) {
        return of(code).map(Enum::name).orElse(String.format("type 0x%02x", code));
    }
}
