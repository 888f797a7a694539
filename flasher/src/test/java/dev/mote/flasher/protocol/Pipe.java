package dev.mote.flasher.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A one-way in-process byte link with a bounded buffer, like a serial line's FIFO: writes block
 * while it is full, reads while it is empty. Closing either end cuts the link: the reader sees
 * end of stream once the buffer is drained, the writer an IOException. (java.io.Piped* streams
 * break when the writing thread ends, which the fake device's threads do.)
 */
final class Pipe {
    private final byte[] buf;
    private int head;
    private int count;
    private boolean closed;

    final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return take(b, off, len);
        }

        @Override
        public void close() {
            cut();
        }
    };

    final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            put(b, off, len);
        }

        @Override
        public void close() {
            cut();
        }
    };

    Pipe(int capacity) {
        buf = new byte[capacity];
    }

    Pipe() {
        this(16384);
    }

    synchronized void cut() {
        closed = true;
        notifyAll();
    }

    private synchronized int take(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        try {
            while (count == 0 && !closed) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (count == 0) {
            return -1;
        }
        int n = Math.min(len, count);
        for (int i = 0; i < n; i++) {
            b[off + i] = buf[(head + i) % buf.length];
        }
        head = (head + n) % buf.length;
        count -= n;
        notifyAll();
        return n;
    }

    private synchronized void put(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len;) {
            try {
                while (count == buf.length && !closed) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (closed) {
                throw new IOException("link cut");
            }
            int n = Math.min(len - i, buf.length - count);
            for (int k = 0; k < n; k++) {
                buf[(head + count + k) % buf.length] = b[off + i + k];
            }
            count += n;
            i += n;
            notifyAll();
        }
    }
}
