package dev.mote.flasher.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * Passes bytes through, flipping the ones at the given stream positions (a noisy line), and
 * optionally cutting the link after a number of bytes: it runs {@code cut} (which closes the
 * pipes) and fails the write, as a pulled cable would.
 */
final class FaultyOutputStream extends OutputStream {
    private final OutputStream out;
    private final Set<Long> flip;
    private final long cutAfter;
    private final Runnable cut;
    private long position;

    FaultyOutputStream(OutputStream out, Set<Long> flip, long cutAfter, Runnable cut) {
        this.out = out;
        this.flip = flip;
        this.cutAfter = cutAfter;
        this.cut = cut;
    }

    @Override
    public void write(int b) throws IOException {
        if (cutAfter >= 0 && position >= cutAfter) {
            cut.run();
            throw new IOException("link cut after " + position + " bytes");
        }
        out.write(flip.contains(position) ? b ^ 0x10 : b);
        position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
