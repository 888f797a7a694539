package dev.mote.flasher;

import dev.mote.flasher.FlashListener.Phase;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes bytes to a target in {@link BlockTarget#CHUNK}-sized chunks, leaving chunks that already
 * match alone, reads them back and compares, reporting each step to a listener and counting
 * bytes written and skipped.
 */
final class ChunkWriter {
    private final FlashListener listener;
    private long written;
    private long skipped;

    ChunkWriter(FlashListener listener) {
        this.listener = listener;
    }

    long written() {
        return written;
    }

    long skipped() {
        return skipped;
    }

    /** Writes {@code bytes} at {@code at} (in {@code area}, for messages), chunk by chunk. */
    void write(TargetIo io, Phase phase, String area, long at, byte[] bytes) throws IOException {
        listener.progress(phase, 0, bytes.length);
        for (int off = 0; off < bytes.length; off += BlockTarget.CHUNK) {
            int len = Math.min(BlockTarget.CHUNK, bytes.length - off);
            byte[] have = new byte[len];
            try {
                io.read(at + off, have);
            } catch (IOException e) {
                throw rangeError("reading", area, at, off, len, e);
            }
            boolean same = Arrays.equals(have, 0, len, bytes, off, off + len);
            if (same) {
                skipped += len;
            } else {
                try {
                    io.write(at + off, bytes, off, len);
                } catch (IOException e) {
                    throw rangeError("writing", area, at, off, len, e);
                }
                written += len;
            }
            listener.chunk(phase, at + off, len, !same);
            listener.progress(phase, off + len, bytes.length);
        }
    }

    /** The boot-state record: always written (its seq is new), then reported as one chunk. */
    void writeRecord(TargetIo io, long at, byte[] record) throws IOException {
        listener.progress(Phase.RECORD, 0, record.length);
        try {
            io.write(at, record, 0, record.length);
        } catch (IOException e) {
            throw rangeError("writing", "boot_state", at, 0, record.length, e);
        }
        written += record.length;
        listener.chunk(Phase.RECORD, at, record.length, true);
    }

    /**
     * Reads {@code expected.length} bytes back from {@code at} and compares; IOException naming
     * the first differing range and {@code consequence} (what the device boots now) if they differ.
     */
    void readBack(TargetIo io, Phase phase, String area, long at, byte[] expected, String consequence)
            throws IOException {
        if (phase != Phase.RECORD) {
            listener.progress(phase, 0, expected.length);
        }
        for (int off = 0; off < expected.length; off += BlockTarget.CHUNK) {
            int len = Math.min(BlockTarget.CHUNK, expected.length - off);
            byte[] got = new byte[len];
            try {
                io.readBack(at + off, got);
            } catch (IOException e) {
                throw rangeError("reading back", area, at, off, len, e);
            }
            int diff = Arrays.mismatch(got, 0, len, expected, off, off + len);
            if (diff >= 0) {
                long where = at + off + diff;
                throw new IOException(String.format("read-back mismatch in %s at target bytes 0x%x-0x%x: byte 0x%x"
                        + " reads 0x%02x, 0x%02x was written; %s. Try again; if it fails again the card or reader"
                        + " is failing or write-protected: try another one", area, at + off, at + off + len - 1,
                        where, got[diff] & 0xff, expected[off + diff] & 0xff, consequence));
            }
            listener.progress(phase, off + len, expected.length);
        }
    }

    private static IOException rangeError(String doing, String area, long at, int off, int len, IOException e) {
        return new IOException(String.format("%s %s at target bytes 0x%x-0x%x failed: %s (is the card still"
                + " inserted and not write-protected? nothing points to a half-written slot: flash again)", doing,
                area, at + off, at + off + len - 1, e.getMessage()), e);
    }
}
