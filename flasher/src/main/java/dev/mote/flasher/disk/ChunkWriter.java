package dev.mote.flasher.disk;

import dev.mote.flasher.disk.FlashListener.Phase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an image into a slot and checks it. {@link #compare} first reads the slot (through
 * {@link TargetIo#readBack}, so from the medium on a block device) and finds the chunks
 * ({@link BlockTarget#CHUNK}) that do not hold the image's bytes yet; {@link #write} writes only
 * those, in runs of up to {@link #SLICE} bytes; {@link #readBack} reads those runs back and
 * compares them. Chunks that already matched were compared when they were read and are not read
 * again. All reads and writes go through one small direct buffer, so a 7 MiB image does not
 * touch another 7 MiB of fresh memory. Reports each step to a listener and counts bytes written
 * and skipped. Also writes and checks the boot-state record.
 */
final class ChunkWriter {
    /** The most bytes one read or write call moves: few system calls, a buffer that stays in cache. */
    static final int SLICE = 256 * 1024;
    private static final byte[] ZEROS = new byte[BlockTarget.CHUNK];

    private final FlashListener listener;
    private final ByteBuffer buf;
    private final List<int[]> runs = new ArrayList<>();   // {offset, length} in the image, written
    private long written;
    private long skipped;

    /** {@code buffer}: from {@link #buffer()}, e.g. the one {@link #compare} used. */
    ChunkWriter(FlashListener listener, ByteBuffer buffer) {
        this.listener = listener;
        this.buf = buffer;
    }

    /** A direct buffer for a slice, aligned for O_DIRECT, with room to round a slice's end up. */
    static ByteBuffer buffer() {
        return ChannelIo.alignedBuffer(SLICE + ChannelIo.DIRECT_ALIGN);
    }

    long written() {
        return written;
    }

    long skipped() {
        return skipped;
    }

    /**
     * Which chunks of {@code bytes} the target at {@code at} does not hold yet: reads it slice by
     * slice into {@code buffer}, rounding the last read up to {@link ChannelIo#DIRECT_ALIGN} but
     * not past {@code readable} bytes from {@code at}. With {@code io} null the target is a new
     * file, all zeros.
     */
    static boolean[] compare(TargetIo io, long at, byte[] bytes, long readable, ByteBuffer buffer)
            throws IOException {
        boolean[] differs = new boolean[(bytes.length + BlockTarget.CHUNK - 1) / BlockTarget.CHUNK];
        ByteBuffer image = ByteBuffer.wrap(bytes);
        for (int off = 0; off < bytes.length; off += SLICE) {
            int len = Math.min(SLICE, bytes.length - off);
            if (io != null) {
                io.readBack(at + off, buffer.slice(0, readLength(off, len, bytes.length, readable)));
            }
            for (int c = off; c < off + len; c += BlockTarget.CHUNK) {
                int n = Math.min(BlockTarget.CHUNK, bytes.length - c);
                differs[c / BlockTarget.CHUNK] = io == null ? Arrays.mismatch(bytes, c, c + n, ZEROS, 0, n) >= 0
                        : buffer.slice(c - off, n).mismatch(image.slice(c, n)) >= 0;
            }
        }
        return differs;
    }

    /** How much to read for [off, off + len): the last slice rounded up for O_DIRECT, within {@code readable}. */
    private static int readLength(int off, int len, int total, long readable) {
        if (off + len < total) {
            return len;
        }
        long end = Math.min((off + len + ChannelIo.DIRECT_ALIGN - 1) & -ChannelIo.DIRECT_ALIGN, readable);
        return (int) Math.max(end - off, len);
    }

    /**
     * Writes the chunks of {@code bytes} that {@code differs} marks at {@code at} (in
     * {@code area}, for messages), reporting every chunk, written or skipped, in order.
     */
    void write(TargetIo io, String area, long at, byte[] bytes, boolean[] differs) throws IOException {
        listener.progress(Phase.WRITE, 0, bytes.length);
        int runStart = -1;
        for (int off = 0; off < bytes.length; off += BlockTarget.CHUNK) {
            int len = Math.min(BlockTarget.CHUNK, bytes.length - off);
            boolean same = !differs[off / BlockTarget.CHUNK];
            if (runStart >= 0 && (same || off - runStart == SLICE)) {
                writeRun(io, area, at, bytes, runStart, off - runStart);
                runStart = -1;
            }
            if (same) {
                skipped += len;
                listener.chunk(Phase.WRITE, at + off, len, false);
                listener.progress(Phase.WRITE, off + len, bytes.length);
            } else if (runStart < 0) {
                runStart = off;
            }
        }
        if (runStart >= 0) {
            writeRun(io, area, at, bytes, runStart, bytes.length - runStart);
        }
    }

    private void writeRun(TargetIo io, String area, long at, byte[] bytes, int off, int len) throws IOException {
        buf.clear().put(bytes, off, len).flip();
        try {
            io.write(at + off, buf);
        } catch (IOException e) {
            throw rangeError("writing", area, at, off, len, e);
        }
        written += len;
        runs.add(new int[] {off, len});
        for (int c = off; c < off + len; c += BlockTarget.CHUNK) {
            listener.chunk(Phase.WRITE, at + c, Math.min(BlockTarget.CHUNK, off + len - c), true);
        }
        listener.progress(Phase.WRITE, off + len, bytes.length);
    }

    /**
     * Reads back what {@link #write} wrote and compares it with {@code bytes}; IOException naming
     * the first differing chunk and {@code consequence} (what the device boots now) if they
     * differ. {@code readable}: as for {@link #compare}.
     */
    void readBack(TargetIo io, String area, long at, byte[] bytes, long readable, String consequence)
            throws IOException {
        listener.progress(Phase.READBACK, 0, bytes.length);
        ByteBuffer image = ByteBuffer.wrap(bytes);
        for (int[] run : runs) {
            int off = run[0];
            int len = run[1];
            try {
                io.readBack(at + off, buf.clear().limit(readLength(off, len, bytes.length, readable)));
            } catch (IOException e) {
                throw rangeError("reading back", area, at, off, len, e);
            }
            int diff = buf.slice(0, len).mismatch(image.slice(off, len));
            if (diff >= 0) {
                int where = off + diff;
                int chunk = where - where % BlockTarget.CHUNK;
                throw mismatch(area, at, chunk, Math.min(BlockTarget.CHUNK, bytes.length - chunk), where,
                        buf.get(diff), bytes[where], consequence);
            }
            if (off + len < bytes.length) {
                listener.progress(Phase.READBACK, off + len, bytes.length);
            }
        }
        listener.progress(Phase.READBACK, bytes.length, bytes.length);
    }

    /** The boot-state record: always written (its seq is new), then reported as one chunk. */
    void writeRecord(TargetIo io, long at, byte[] record) throws IOException {
        listener.progress(Phase.RECORD, 0, record.length);
        try {
            io.write(at, ByteBuffer.wrap(record));
        } catch (IOException e) {
            throw rangeError("writing", "boot_state", at, 0, record.length, e);
        }
        written += record.length;
        listener.chunk(Phase.RECORD, at, record.length, true);
    }

    /** Reads the record back and compares, as {@link #readBack}. */
    void readBackRecord(TargetIo io, long at, byte[] record, String consequence) throws IOException {
        byte[] got = new byte[record.length];
        try {
            io.readBack(at, ByteBuffer.wrap(got));
        } catch (IOException e) {
            throw rangeError("reading back", "boot_state", at, 0, record.length, e);
        }
        int diff = Arrays.mismatch(got, record);
        if (diff >= 0) {
            throw mismatch("boot_state", at, 0, record.length, diff, got[diff], record[diff], consequence);
        }
        listener.progress(Phase.RECORD, record.length, record.length);
    }

    private static IOException mismatch(String area, long at, int off, int len, int where, byte got, byte expected,
            String consequence) {
        return new IOException(String.format("read-back mismatch in %s at target bytes 0x%x-0x%x: byte 0x%x"
                + " reads 0x%02x, 0x%02x was written; %s. Try again; if it fails again the card or reader"
                + " is failing or write-protected: try another one", area, at + off, at + off + len - 1,
                at + where, got & 0xff, expected & 0xff, consequence));
    }

    private static IOException rangeError(String doing, String area, long at, int off, int len, IOException e) {
        return new IOException(String.format("%s %s at target bytes 0x%x-0x%x failed: %s (is the card still"
                + " inserted and not write-protected? nothing points to a half-written slot: flash again)", doing,
                area, at + off, at + off + len - 1, e.getMessage()), e);
    }
}
