package dev.mote.flasher.disk;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * A target opened as a FileChannel. For a block device the read-back goes through a second
 * channel opened with O_DIRECT, so it reads what the card holds and not what the page cache
 * remembers writing; if the device refuses O_DIRECT, the read-back falls back to ordinary reads.
 */
final class ChannelIo implements TargetIo {
    /** O_DIRECT needs buffers, offsets and lengths aligned to the logical block size; 4 KiB covers 512 and 4K. */
    static final int DIRECT_ALIGN = 4096;

    private final FileChannel ch;
    private final Path path;
    private final boolean blockDevice;
    private FileChannel direct;
    private boolean directFailed;

    private ChannelIo(FileChannel ch, Path path, boolean blockDevice) {
        this.ch = ch;
        this.path = path;
        this.blockDevice = blockDevice;
    }

    /** The standard opener: read-only for the checks, read-write to flash, CREATE_NEW for a new file. */
    static TargetIo open(Path path, boolean writable, long createSize, boolean blockDevice) throws IOException {
        Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.READ);
        if (writable) {
            opts.add(StandardOpenOption.WRITE);
        }
        if (createSize > 0) {
            opts.add(StandardOpenOption.CREATE_NEW);
        }
        FileChannel ch = FileChannel.open(path, opts);
        if (createSize > 0) {
            // the last byte makes the file its full size; the rest stays a hole (zeros)
            ch.write(ByteBuffer.wrap(new byte[1]), createSize - 1);
        }
        return new ChannelIo(ch, path, blockDevice);
    }

    /** A direct buffer of {@code size} bytes (rounded up to DIRECT_ALIGN) whose address is DIRECT_ALIGN-aligned. */
    static ByteBuffer alignedBuffer(int size) {
        int n = (size + DIRECT_ALIGN - 1) & -DIRECT_ALIGN;
        return ByteBuffer.allocateDirect(n + DIRECT_ALIGN).alignedSlice(DIRECT_ALIGN).limit(n);
    }

    @Override
    public void read(long position, ByteBuffer into) throws IOException {
        readFully(ch, into.duplicate(), position);
    }

    @Override
    public void write(long position, ByteBuffer from) throws IOException {
        ByteBuffer b = from.duplicate();
        long at = position;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    @Override
    public void sync() throws IOException {
        ch.force(true);
    }

    @Override
    public void readBack(long position, ByteBuffer into) throws IOException {
        if (!blockDevice || directFailed) {
            read(position, into);
            return;
        }
        if (direct == null) {
            try {
                direct = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
            } catch (IOException | UnsupportedOperationException e) {
                directFailed = true;
                read(position, into);
                return;
            }
        }
        if (into.isDirect() && into.alignmentOffset(into.position(), DIRECT_ALIGN) == 0
                && position % DIRECT_ALIGN == 0 && into.remaining() % DIRECT_ALIGN == 0) {
            readFully(direct, into.duplicate(), position);
            return;
        }
        // through an aligned bounce buffer: the record, or a caller's unaligned range
        long start = position & -DIRECT_ALIGN;
        long end = (position + into.remaining() + DIRECT_ALIGN - 1) & -DIRECT_ALIGN;
        ByteBuffer buf = alignedBuffer((int) (end - start));
        readFully(direct, buf.duplicate(), start);
        int from = (int) (position - start);
        into.duplicate().put(buf.limit(from + into.remaining()).position(from));
    }

    @Override
    public boolean readBackIsDirect() {
        return direct != null && !directFailed;
    }

    private static void readFully(FileChannel c, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int n = c.read(b, at);
            if (n < 0) {
                throw new EOFException("the target ends at byte " + at);
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (direct != null) {
                direct.close();
            }
        } finally {
            ch.close();
        }
    }
}
