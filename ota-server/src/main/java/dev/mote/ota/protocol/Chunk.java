package dev.mote.ota.protocol;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * A chunk of an image (topic down/chunk, QoS 1: Moquette drops QoS 0 messages to a device whose
 * connection is not writable, while at QoS 1 the broker's in-flight window paces the device),
 * binary: a 12-byte big-endian header, then the data. The CRC-32 (IEEE, as zlib) covers the data
 * only; the device drops a chunk whose CRC, job or offset it does not expect and asks again.
 *
 * <pre>
 * 0  u32 job
 * 4  u32 offset of the first data byte in the image
 * 8  u32 CRC-32 of the data
 * 12 data (1..MAX_DATA bytes: the rest of the message)
 * </pre>
 */
public record Chunk(long job, long offset, long crc, ByteBuffer data) {
    public static final int HEADER = 12;
    public static final int MIN_DATA = 256;
    public static final int MAX_DATA = 64 * 1024;

    /** A chunk of {@code data} (its CRC computed here). */
    public static Chunk of(long job, long offset, byte[] data) {
        return new Chunk(job, offset, crc32(data, 0, data.length), ByteBuffer.wrap(data).asReadOnlyBuffer());
    }

    /** Encodes {@code len} bytes of {@code image} from {@code offset} as one chunk message. */
    public static byte[] encode(long job, long offset, byte[] image, int from, int len) {
        return encode(new byte[HEADER + len], job, offset, image, from, len);
    }

    /** Encodes into {@code msg}, whose length must be exactly {@code HEADER + len}; returns it. */
    public static byte[] encode(byte[] msg, long job, long offset, byte[] image, int from, int len) {
        if (msg.length != HEADER + len) {
            throw new IllegalArgumentException("a chunk of " + len + " bytes needs a " + (HEADER + len)
                    + "-byte message, not " + msg.length);
        }
        ByteBuffer.wrap(msg).putInt((int) job).putInt((int) offset).putInt((int) crc32(image, from, len));
        System.arraycopy(image, from, msg, HEADER, len);
        return msg;
    }

    public static Chunk decode(byte[] msg) {
        return decode(ByteBuffer.wrap(msg));
    }

    /**
     * Reads a chunk message's header; ProtocolException if there is no data after it. The data is
     * a view of {@code msg}, not a copy, and its CRC is checked where it lands ({@link #copyTo}),
     * so that a device copies each byte once.
     */
    public static Chunk decode(ByteBuffer msg) {
        if (msg.remaining() <= HEADER) {
            throw new ProtocolException("chunk of " + msg.remaining() + " bytes: no data after the 12-byte header");
        }
        ByteBuffer b = msg.duplicate();
        long job = Integer.toUnsignedLong(b.getInt());
        long offset = Integer.toUnsignedLong(b.getInt());
        long crc = Integer.toUnsignedLong(b.getInt());
        return new Chunk(job, offset, crc, b.slice());
    }

    /** Data bytes in the chunk. */
    public int length() {
        return data.remaining();
    }

    /**
     * Copies the data to {@code dst[at..]} and checks its CRC there: false if it does not match,
     * and then those bytes of {@code dst} are garbage.
     */
    public boolean copyTo(byte[] dst, int at) {
        data.duplicate().get(dst, at, length());
        return crc32(dst, at, length()) == crc;
    }

    /** A checked copy of the data; ProtocolException if its CRC does not match. */
    public byte[] bytes() {
        byte[] out = new byte[length()];
        if (!copyTo(out, 0)) {
            throw new ProtocolException("chunk at offset " + offset + ": CRC mismatch");
        }
        return out;
    }

    private static long crc32(byte[] b, int from, int len) {
        CRC32 c = new CRC32();
        c.update(b, from, len);
        return c.getValue();
    }
}
