package dev.mote.flasher.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Positioned reads and writes on what is being flashed: a flash file or a block device. The
 * flasher talks to targets only through this, so a test can put a wrapper in between (one that
 * flips a byte on read-back, or one that refuses every write). Buffers are used from their
 * position to their limit, which the calls leave unchanged.
 */
interface TargetIo extends Closeable {
    /** Fills {@code into} from {@code position}; EOFException if the target ends first. */
    void read(long position, ByteBuffer into) throws IOException;

    /** Writes {@code from} at {@code position}. */
    void write(long position, ByteBuffer from) throws IOException;

    /**
     * Makes everything written so far durable (fsync). It may run on another thread while the
     * flashing thread reads back what it wrote.
     */
    void sync() throws IOException;

    /**
     * Reads for the compare checks: from the medium itself where the target allows (a block
     * device read with O_DIRECT, past the page cache), else like {@link #read}. Fastest with a
     * direct buffer whose address, {@code position} and length are multiples of
     * {@link ChannelIo#DIRECT_ALIGN}.
     */
    default void readBack(long position, ByteBuffer into) throws IOException {
        read(position, into);
    }

    /** True if {@link #readBack} read the medium itself, past the page cache. */
    default boolean readBackIsDirect() {
        return false;
    }

    /** How {@link BlockTarget} opens a target; tests substitute their own. */
    @FunctionalInterface
    interface Opener {
        /**
         * Opens {@code path}; {@code writable} false for the checks, true only once they all
         * passed. {@code createSize} > 0: create a new file of that size (it must not exist).
         */
        TargetIo open(Path path, boolean writable, long createSize, boolean blockDevice) throws IOException;
    }
}
