package dev.mote.flasher.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Encodes frames for the wire (docs/flasher-protocol.md): the 8-byte header, the payload and a
 * CRC-32 (IEEE 802.3, as java.util.zip.CRC32 and the device's crc32), COBS-encoded so the
 * byte 0x00 never occurs inside, with a 0x00 delimiter before and after. The device's twin is
 * rproto_encode in kernel/src/recovery_proto.c; both produce the same bytes.
 */
public final class FrameEncoder {
    private FrameEncoder() {
    }

    /** Worst-case encoded size of a frame with {@code payloadLength} payload bytes. */
    public static int maxEncodedSize(int payloadLength) {
        int raw = rawSize(payloadLength);
        return raw + raw / 254 + 3;
    }

    static int rawSize(int payloadLength) {
        return Frame.HEADER_SIZE + payloadLength + Frame.CRC_SIZE;
    }

    /** The frame's bytes on the wire, delimiters included. */
    public static byte[] encode(Frame f) {
        byte[] payload = f.payloadArray();
        ByteBuffer raw = ByteBuffer.allocate(rawSize(payload.length)).order(ByteOrder.LITTLE_ENDIAN);
        raw.put((byte) f.type()).put((byte) f.flags()).putShort((short) payload.length).putInt((int) f.arg())
                .put(payload);
        CRC32 crc = new CRC32();
        crc.update(raw.array(), 0, raw.position());
        raw.putInt((int) crc.getValue());
        return cobs(raw.array());
    }

    /** COBS: each block is a code byte n and n - 1 non-zero bytes, standing for a 0x00 unless n is 0xff. */
    private static byte[] cobs(byte[] src) {
        byte[] dst = new byte[src.length + src.length / 254 + 3];
        int w = 0;
        dst[w++] = 0;
        int codeAt = w++;
        int code = 1;
        for (byte b : src) {
            if (b != 0) {
                dst[w++] = b;
                code++;
            }
            if (b == 0 || code == 0xff) {
                dst[codeAt] = (byte) code;
                codeAt = w++;
                code = 1;
            }
        }
        dst[codeAt] = (byte) code;
        dst[w++] = 0;
        return w == dst.length ? dst : Arrays.copyOf(dst, w);
    }
}
