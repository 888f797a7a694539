package dev.mote.flasher.protocol;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Frames over any byte stream pair (a serial port's, a TCP socket's, a pipe's). A reader thread
 * decodes the input as it arrives, so {@link #receive} can wait with a timeout on a stream that
 * has none, and the sender never has to poll. Counts the bytes each way (the protocol's
 * overhead is measured on these). Owns the streams: {@link #close} closes both, which is also
 * what stops the reader.
 */
public final class FrameLink implements Closeable {
    private static final Object END_OF_STREAM = new Object();

    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private final Thread reader;
    private volatile IOException failure;
    private volatile boolean closed;

    public FrameLink(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
        reader = new Thread(this::readLoop, "mote-flasher-rx");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        FrameDecoder decoder = new FrameDecoder();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0;) {
                received.addAndGet(n);
                List<Frame> got = decoder.feed(buf, 0, n);
                decodeErrors.set(decoder.errors());
                frames.addAll(got);
            }
        } catch (IOException e) {
            if (!closed) {
                failure = e;
            }
        } finally {
            frames.add(END_OF_STREAM);
        }
    }

    /** Encodes and writes one frame, then flushes. */
    public void send(Frame f) throws IOException {
        byte[] bytes = FrameEncoder.encode(f);
        out.write(bytes);
        out.flush();
        sent.addAndGet(bytes.length);
    }

    /**
     * The next good frame, waiting up to {@code timeout}; null if none came in time. Throws
     * {@link EOFException} (or the reader's own IOException) once the link is gone and every
     * frame received before that has been returned.
     */
    public Frame receive(Duration timeout) throws IOException, InterruptedException {
        Object o = frames.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (o != END_OF_STREAM) {
            return (Frame) o;
        }
        frames.add(END_OF_STREAM); // every later call sees the end too
        IOException e = failure;
        if (e != null) {
            throw new IOException("link failed: " + e.getMessage(), e);
        }
        throw new EOFException("link closed by the device or the transport");
    }

    /** Bytes written so far, delimiters included. */
    public long bytesSent() {
        return sent.get();
    }

    /** Bytes read so far, whether or not they made good frames. */
    public long bytesReceived() {
        return received.get();
    }

    /** Damaged frames the reader dropped (bad CRC, length, encoding). */
    public long decodeErrors() {
        return decodeErrors.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        IOException first = null;
        for (Closeable c : new Closeable[] {out, in}) {
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        reader.interrupt();
        if (first != null) {
            throw first;
        }
    }
}
