package dev.mote.flasher.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Incremental frame decoder (docs/flasher-protocol.md), fed one byte or one chunk at a time as
 * they arrive. Complete good frames come out; damaged ones (bad CRC, bad length, too long,
 * malformed COBS) are counted and dropped, and decoding carries on at the next 0x00 delimiter,
 * so garbage between frames (a console line, line noise) costs at most the frame it touches.
 * Bytes before the first delimiter are dropped silently. The device's twin is
 * rproto_decoder_feed in kernel/src/recovery_proto.c, with the same outcomes.
 * Not thread-safe: one reader feeds it.
 */
public final class FrameDecoder {
    /** What one byte did. */
    public enum Outcome {
        /** Nothing complete yet (or an empty frame between two delimiters). */
        NONE,
        /** A good frame is ready: {@link #frame()}. */
        FRAME,
        BAD_CRC,
        /** Shorter than header + CRC, or the length field disagrees with the bytes received. */
        BAD_LENGTH,
        /** Longer than the largest payload this decoder takes. */
        TOO_LONG,
        /** A COBS block cut short by a delimiter. */
        BAD_COBS
    }

    private final byte[] buf;
    private int len;
    private int left;          // data bytes still to come in the current COBS block
    private int code;          // the current block's code byte; 0: none yet in this frame
    private boolean hunting = true;
    private boolean overflow;
    private Frame frame;
    private long errors;

    /** A decoder taking payloads of up to {@code maxPayload} bytes. */
    public FrameDecoder(int maxPayload) {
        if (maxPayload < 0 || maxPayload > 0xffff) {
            throw new IllegalArgumentException("max payload: 0..65535, got " + maxPayload);
        }
        buf = new byte[FrameEncoder.rawSize(maxPayload)];
    }

    /** A decoder for any frame a device may send or take ({@link Frame#MAX_PAYLOAD}). */
    public FrameDecoder() {
        this(Frame.MAX_PAYLOAD);
    }

    /** Feeds one byte (0..255). */
    public Outcome feed(int b) {
        b &= 0xff;
        if (b == 0) {
            Outcome o = finish();
            len = 0;
            left = 0;
            code = 0;
            hunting = false;
            overflow = false;
            if (o != Outcome.NONE && o != Outcome.FRAME) {
                errors++;
            }
            return o;
        }
        if (hunting || overflow) {
            return Outcome.NONE;
        }
        if (left > 0) {
            put(b);
            left--;
            return Outcome.NONE;
        }
        if (code != 0 && code != 0xff) {
            put(0); // the zero the previous block stood for
        }
        code = b;
        left = b - 1;
        return Outcome.NONE;
    }

    /** Feeds a chunk; returns the good frames it completed (damaged ones are only counted). */
    public List<Frame> feed(byte[] chunk, int off, int n) {
        List<Frame> out = new ArrayList<>();
        for (int i = off; i < off + n; i++) {
            if (feed(chunk[i]) == Outcome.FRAME) {
                out.add(frame);
            }
        }
        return out;
    }

    /** Reads from {@code in} until a good frame is complete; null at end of stream. */
    public Frame read(InputStream in) throws IOException {
        for (int b; (b = in.read()) >= 0;) {
            if (feed(b) == Outcome.FRAME) {
                return frame;
            }
        }
        return null;
    }

    /** The frame the last {@link Outcome#FRAME} completed. */
    public Frame frame() {
        return frame;
    }

    /** Damaged frames dropped so far. */
    public long errors() {
        return errors;
    }

    private void put(int b) {
        if (len == buf.length) {
            overflow = true;
            return;
        }
        buf[len++] = (byte) b;
    }

    private Outcome finish() {
        if (hunting || (!overflow && code == 0)) {
            return Outcome.NONE;
        }
        if (overflow) {
            return Outcome.TOO_LONG;
        }
        if (left != 0) {
            return Outcome.BAD_COBS;
        }
        if (len < Frame.HEADER_SIZE + Frame.CRC_SIZE) {
            return Outcome.BAD_LENGTH;
        }
        int body = len - Frame.CRC_SIZE;
        CRC32 crc = new CRC32();
        crc.update(buf, 0, body);
        if ((int) crc.getValue() != le32(body)) {
            return Outcome.BAD_CRC;
        }
        int plen = (buf[2] & 0xff) | (buf[3] & 0xff) << 8;
        if (plen != body - Frame.HEADER_SIZE) {
            return Outcome.BAD_LENGTH;
        }
        frame = new Frame(buf[0] & 0xff, buf[1] & 0xff, Integer.toUnsignedLong(le32(4)),
                Arrays.copyOfRange(buf, Frame.HEADER_SIZE, body));
        return Outcome.FRAME;
    }

    private int le32(int at) {
        return (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8 | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 24;
    }
}
