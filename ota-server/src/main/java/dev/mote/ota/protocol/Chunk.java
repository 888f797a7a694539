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
public record Chunk(long job, long offset, byte[] data) {
    public static final int HEADER = 12;
    public static final int MIN_DATA = 256;
    public static final int MAX_DATA = 64 * 1024;

    /** Encodes {@code len} bytes of {@code image} from {@code offset} as one chunk message. */
    public static byte[] encode(long job, long offset, byte[] image, int from, int len) {
        CRC32 crc = new CRC32();
        crc.update(image, from, len);
        ByteBuffer b = ByteBuffer.allocate(HEADER + len);
        b.putInt((int) job).putInt((int) offset).putInt((int) crc.getValue()).put(image, from, len);
        return b.array();
    }

    /** Decodes a chunk message; ProtocolException if it is short or its CRC does not match. */
    public static Chunk decode(byte[] msg) {
        if (msg.length <= HEADER) {
            throw new ProtocolException("chunk of " + msg.length + " bytes: no data after the 12-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(msg);
        long job = Integer.toUnsignedLong(b.getInt());
        long offset = Integer.toUnsignedLong(b.getInt());
        long crc = Integer.toUnsignedLong(b.getInt());
        byte[] data = new byte[msg.length - HEADER];
        b.get(data);
        CRC32 c = new CRC32();
        c.update(data);
        if (c.getValue() != crc) {
            throw new ProtocolException("chunk at offset " + offset + ": CRC mismatch");
        }
        return new Chunk(job, offset, data);
    }
}
