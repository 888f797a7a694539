package dev.mote.flasher.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One frame of the recovery protocol (docs/flasher-protocol.md) before encoding: type, flags,
 * a 32-bit argument (offset, size, magic or status code, by type) and up to
 * {@link #MAX_PAYLOAD} payload bytes. The CRC and the COBS framing are the encoder's business.
 *
 * @param type    the type byte (a {@link FrameType} code, or an unknown one received)
 * @param flags   0..255; DATA's bit 0 says its payload is compressed
 * @param arg     unsigned 32-bit
 * @param payload 0..{@link #MAX_PAYLOAD} bytes
 */
public record Frame(int type, int flags, long arg, byte[] payload) {
    /** Header bytes before the payload: type, flags, length (u16), arg (u32). */
    public static final int HEADER_SIZE = 8;
    public static final int CRC_SIZE = 4;
    /** Largest payload any device may announce (and so any decoder must take). */
    public static final int MAX_PAYLOAD = 4096;
    /** Smallest max_payload a device may announce: BEGIN carries the 256-byte image header. */
    public static final int MIN_PAYLOAD = 256;
    public static final int DEFAULT_PAYLOAD = 1024;
    public static final int DEFAULT_WINDOW = 8;
    /** DATA flag: the payload is compressed (DataCompression), for devices whose INFO offers it. */
    public static final int FLAG_COMPRESSED = 0x01;

    public Frame {
        if (type < 0 || type > 0xff || flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("frame type and flags: 0..255, got " + type + ", " + flags);
        }
        if (arg < 0 || arg > 0xffffffffL) {
            throw new IllegalArgumentException("frame arg: must fit 32 bits unsigned, got " + arg);
        }
        payload = payload == null ? new byte[0] : payload.clone();
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("frame payload: at most " + MAX_PAYLOAD + " bytes, got "
                    + payload.length);
        }
    }

    /** A frame of a known type. */
    public static Frame of(FrameType type, int flags, long arg, byte[] payload) {
        return new Frame(type.code(), flags, arg, payload);
    }

    /** A frame of a known type with no flags and no payload. */
    public static Frame of(FrameType type, long arg) {
        return new Frame(type.code(), 0, arg, null);
    }

    public boolean is(FrameType t) {
        return type == t.code();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload length without copying it. */
    public int length() {
        return payload.length;
    }

    /** The payload itself, for this package's codec: never modified or handed out. */
    byte[] payloadArray() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && f.flags == flags && f.arg == arg
                && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return (type * 31 + flags) * 31 + Long.hashCode(arg) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        String p = payload.length <= 16 ? HexFormat.of().formatHex(payload) : payload.length + " bytes";
        return FrameType.describe(type) + "[flags=" + flags + ", arg=0x" + Long.toHexString(arg)
                + ", payload=" + p + "]";
    }
}
