package dev.mote.ota.rest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ReplyStream} on an in-memory connection (Netty's EmbeddedChannel), for the tests of
 * what writes to one: it records every chunk, and can stand for a client that stopped reading
 * (no write ever completes, as when the socket's buffers are full).
 */
public final class FakeReplyStream {
    /** The chunks written so far, as text. */
    public final List<String> chunks = new CopyOnWriteArrayList<>();
    public final ReplyStream stream;
    private final EmbeddedChannel channel;

    private FakeReplyStream(boolean reading) {
        channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof HttpContent c) {
                    chunks.add(c.content().toString(StandardCharsets.UTF_8));
                }
                ReferenceCountUtil.release(msg);
                if (reading) {
                    promise.setSuccess();
                }
            }
        });
        stream = new ReplyStream(channel);
    }

    /** A client that reads everything at once. */
    public static FakeReplyStream reading() {
        return new FakeReplyStream(true);
    }

    /** A client that reads nothing: no write completes. */
    public static FakeReplyStream stalled() {
        return new FakeReplyStream(false);
    }

    /** Whether the connection is still open. */
    public boolean open() {
        return channel.isOpen();
    }

    /** The client leaves. */
    public void disconnect() {
        channel.close();
    }
}
