package dev.mote.flasher.protocol;

import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Compressed DATA (docs/flasher-protocol.md, "DATA flags and compression"): a frame with
 * {@link Frame#FLAG_COMPRESSED} carries the count of image bytes it stands for (u16) and one LZ4
 * block that decodes to exactly that many. Each frame is compressed on its own, so a resend or a
 * resume needs nothing from the frames before it, and the offsets stay in image bytes. The
 * device's decoder is kernel/src/lz4.c; both are held to kernel/test/vectors/lz4-blocks.txt.
 */
public final class DataCompression {
    /** The u16 image byte count in front of the block. */
    public static final int HEADER_SIZE = 2;

    // LZ4 HC (level 9): the device decodes it as fast as plain LZ4, and the host has time to spare.
    // The pure-Java implementations: the same bytes on every host, no native library to unpack.
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().highCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

    private DataCompression() {
    }

    /**
     * The DATA frame for {@code image[from, from + n)} at image offset {@code offset}: compressed
     * when {@code compress} is set and that makes the payload smaller, else the bytes as they are.
     */
    public static Frame frame(long offset, byte[] image, int from, int n, boolean compress) {
        if (compress) {
            byte[] z = compress(image, from, n);
            if (z.length < n) {
                return Frame.of(FrameType.DATA, Frame.FLAG_COMPRESSED, offset, z);
            }
        }
        return Frame.of(FrameType.DATA, 0, offset, Arrays.copyOfRange(image, from, from + n));
    }

    /** A compressed DATA payload for {@code bytes[from, from + n)}: the u16 count, then the LZ4 block. */
    public static byte[] compress(byte[] bytes, int from, int n) {
        if (n < 1 || n > 0xffff) {
            throw new IllegalArgumentException("compressed DATA: 1..65535 image bytes, got " + n);
        }
        byte[] out = new byte[HEADER_SIZE + COMPRESSOR.maxCompressedLength(n)];
        int z = COMPRESSOR.compress(bytes, from, n, out, HEADER_SIZE, out.length - HEADER_SIZE);
        out[0] = (byte) n;
        out[1] = (byte) (n >>> 8);
        return Arrays.copyOf(out, HEADER_SIZE + z);
    }

    /**
     * The image bytes of a compressed DATA payload: exactly its stated count, which must be 1..
     * {@code maxLength}. ProtocolException for a payload that does not decode to that.
     */
    public static byte[] expand(byte[] payload, int maxLength) throws ProtocolException {
        if (payload.length <= HEADER_SIZE) {
            throw new ProtocolException("malformed compressed DATA: " + payload.length + " payload bytes");
        }
        int n = (payload[0] & 0xff) | (payload[1] & 0xff) << 8;
        if (n == 0 || n > maxLength) {
            throw new ProtocolException("malformed compressed DATA: it stands for " + n + " bytes, the most is "
                    + maxLength);
        }
        byte[] out = new byte[n];
        try {
            int got = DECOMPRESSOR.decompress(payload, HEADER_SIZE, payload.length - HEADER_SIZE, out, 0, n);
            if (got != n) {
                throw new ProtocolException("malformed compressed DATA: " + got + " bytes decoded, " + n + " stated");
            }
        } catch (LZ4Exception e) {
            throw new ProtocolException("malformed compressed DATA: " + e.getMessage());
        }
        return out;
    }
}
