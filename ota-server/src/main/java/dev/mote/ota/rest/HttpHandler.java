package dev.mote.ota.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One HTTP connection of the REST API: collects a request (its body up to the route's limit,
 * the rest dropped), hands it to {@link RestServer#answer} on the worker pool, and writes the
 * JSON reply. While a request is answered the connection reads nothing more, so pipelined
 * requests are answered in order. A request the HTTP decoder cannot read (a broken request line,
 * a malformed header, one too long) gets a JSON 400 and the connection is closed: no reply of
 * this server is ever anything but JSON.
 */
final class HttpHandler extends ChannelInboundHandlerAdapter {
    /** What a request came as, for {@link RestServer#answer}. */
    record Request(String method, String uri, String authorization, byte[] body, boolean tooLarge, int limit) {
    }

    /** A reply: status and the object written as JSON. */
    record Reply(int status, Object body) {
    }

    /** How much of a refused body is read and dropped before the 413 and closing. */
    static final long DRAIN_MAX = 64L << 20;

    private final RestServer server;
    private final ExecutorService pool;
    private HttpRequest head;
    private ByteArrayOutputStream body;
    private int limit;
    private boolean tooLarge;
    private long received;

    HttpHandler(RestServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest r) {
                if (r.decoderResult().isFailure()) {
                    fail(ctx, "malformed HTTP request: " + r.decoderResult().cause().getMessage());
                    return;
                }
                head = r;
                limit = RestServer.bodyLimit(r.uri());
                long declared = HttpUtil.getContentLength(r, -1L);
                tooLarge = declared > limit;
                received = 0;
                body = new ByteArrayOutputStream(tooLarge ? 0 : (int) Math.max(0, Math.min(declared, 1 << 16)));
                if (HttpUtil.is100ContinueExpected(r)) {
                    if (tooLarge) {
                        dispatch(ctx); // the 413, before the client sends a byte of the body
                        return;
                    }
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                }
            }
            if (msg instanceof HttpContent c) {
                if (c.decoderResult().isFailure()) {
                    fail(ctx, "malformed HTTP request: " + c.decoderResult().cause().getMessage());
                    return;
                }
                if (head == null) {
                    return; // the rest of a request already refused
                }
                ByteBuf b = c.content();
                received += b.readableBytes();
                if (!tooLarge && body.size() + b.readableBytes() > limit) {
                    tooLarge = true;
                    body = new ByteArrayOutputStream(0);
                }
                if (!tooLarge) {
                    b.readBytes(body, b.readableBytes());
                }
                // a refused body is read and dropped (closing on a client still sending would
                // reset the connection and lose the reply), up to a point
                if (c instanceof LastHttpContent || (tooLarge && received > DRAIN_MAX)) {
                    dispatch(ctx);
                }
            }
        } catch (java.io.IOException e) {
            fail(ctx, "cannot read the request body: " + e.getMessage());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Answers the request on the pool; reads nothing more on this connection meanwhile. */
    private void dispatch(ChannelHandlerContext ctx) {
        HttpRequest r = head;
        Request req = new Request(r.method().name(), r.uri(), r.headers().get(HttpHeaderNames.AUTHORIZATION),
                body.toByteArray(), tooLarge, limit);
        boolean keepAlive = HttpUtil.isKeepAlive(r) && !tooLarge;
        head = null;
        body = null;
        ctx.channel().config().setAutoRead(false);
        try {
            pool.execute(() -> {
                Reply reply = server.answer(req);
                write(ctx, reply, keepAlive).addListener(f -> ctx.channel().config().setAutoRead(true));
            });
        } catch (RejectedExecutionException stopping) {
            ctx.close();
        }
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        head = null;
        body = null;
        write(ctx, new Reply(400, Map.of("error", why)), false);
    }

    private static io.netty.channel.ChannelFuture write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        byte[] json;
        try {
            json = RestServer.JSON.writeValueAsBytes(reply.body());
        } catch (java.io.IOException e) {
            json = "{\"error\":\"internal error: the reply could not be written as JSON\"}".getBytes();
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(json));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return ctx.writeAndFlush(resp);
        }
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or broken pipe: the client is gone
    }
}
