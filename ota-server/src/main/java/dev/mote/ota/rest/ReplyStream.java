package dev.mote.ota.rest;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The open end of a streaming reply ({@link HttpHandler.Reply#stream}: the dashboard's
 * server-sent events): chunks written over time, by any thread, without blocking it. The writes
 * themselves happen on the connection's I/O thread; no REST worker is held while a stream is
 * open. Nothing here bounds what is queued: the writer counts what it has not seen written
 * ({@link #write}'s callback) and closes a stream whose client does not keep up.
 */
public final class ReplyStream {
    /** What a streaming reply's body does once the status and headers are sent. */
    public interface Body {
        /** Called once, on the connection's I/O thread; {@code out} is already closed if the client left. */
        void start(ReplyStream out);
    }

    private final Channel channel;
    private volatile boolean ending;

    ReplyStream(Channel channel) {
        this.channel = channel;
    }

    /** Whether the client is still there and the stream has not been ended. */
    public boolean isOpen() {
        return channel.isActive() && !ending;
    }

    /**
     * Runs {@code task} on the connection's I/O thread (at once if called there), where a
     * {@link #write} goes to the socket at once: a caller can measure what writing costs. The
     * tasks of one stream run in the order given.
     */
    public void run(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
            return;
        }
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException stopping) {
            channel.close();
        }
    }

    /** Writes {@code bytes} as one chunk; {@code done} learns whether it reached the socket (false: the client left). */
    public void write(byte[] bytes, Consumer<Boolean> done) {
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)))
                .addListener(f -> done.accept(f.isSuccess()));
    }

    /** Ends the reply after what was written before (the last chunk), then closes the connection. */
    public void end() {
        ending = true;
        run(() -> channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE));
    }

    /** Closes the connection now, dropping whatever is not written yet (a client that stopped reading). */
    public void close() {
        ending = true;
        channel.close();
    }

    /** Runs {@code r} once the connection is closed, by either side (at once if it is). */
    public void onClose(Runnable r) {
        channel.closeFuture().addListener(f -> r.run());
    }
}
