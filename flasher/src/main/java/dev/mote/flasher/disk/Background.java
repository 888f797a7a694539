package dev.mote.flasher.disk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One piece of a flash run on a thread of its own, so that it overlaps the flashing thread's
 * work (reading the target while the image is hashed; the fsync while the slot is read back).
 * {@link #join} hands back its result or rethrows its exception as it was thrown.
 *
 * @param <T> what the task returns
 */
final class Background<T> {
    /** The work: may throw IOException or any unchecked exception. */
    @FunctionalInterface
    interface Task<T> {
        T run() throws IOException;
    }

    private final FutureTask<T> future;

    private Background(Task<T> task) {
        this.future = new FutureTask<>(task::run);
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    static <T> Background<T> start(String name, Task<T> task) {
        Background<T> b = new Background<>(task);
        Thread t = new Thread(b.future, name);
        t.setDaemon(true);
        t.start();
        return b;
    }

    /** Waits for the task; its result, or its exception rethrown. */
    T join() throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + future);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** Waits for the task and ignores how it ended: for when the flashing thread is failing anyway. */
    void joinQuietly() {
        try {
            join();
        } catch (IOException | RuntimeException e) {
            // the caller's own failure is the one to report
        }
    }
}
