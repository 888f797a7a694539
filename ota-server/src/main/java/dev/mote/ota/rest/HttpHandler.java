package dev.mote.ota.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One HTTP connection of the REST API: collects a request (its body up to the route's limit,
 * the rest dropped), hands it to {@link RestServer#answer} on the worker pool, and writes the
 * reply. One request of a connection is answered at a time: while it is, the connection reads
 * nothing more, and requests that came in the same read (pipelined) wait their turn, so replies
 * go out in the order asked. A request the HTTP decoder cannot read (a broken request line, a
 * malformed header, one too long) gets a JSON 400, in its turn, and the connection is closed. Replies are JSON
 * (every /api/ reply, every error), except what a page mounted on the server sends on its own
 * routes: bytes of another type (the dashboard's files) or a stream (its live events), after
 * which the connection serves nothing else and closes when the stream ends.
 */
public final class HttpHandler extends ChannelInboundHandlerAdapter {
    /**
     * What a request came as, for {@link RestServer#answer}: the target as sent (still
     * percent-encoded), the headers as sent, the body (empty and {@code tooLarge} above
     * {@code limit}), and the client's address.
     */
    public record Request(String method, String uri, HttpHeaders headers, byte[] body, boolean tooLarge, int limit,
                          InetSocketAddress remote) {
        /** The target's path, before any '?'. */
        public String path() {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }

        /** The target's query, after the '?', or null. */
        public String query() {
            int q = uri.indexOf('?');
            return q < 0 ? null : uri.substring(q + 1);
        }

        /** The first value of header {@code name} (any case), or null. */
        public String header(String name) {
            return headers.get(name);
        }

        /** Every value of header {@code name} (any case), in order. */
        public List<String> headerValues(String name) {
            return headers.getAll(name);
        }

        String authorization() {
            return header("Authorization");
        }
    }

    /**
     * A reply: a status, headers, and a body that is one of: an object written as JSON (the
     * API's, and every error), bytes of another content type, or a {@link ReplyStream.Body}
     * written over time.
     */
    public static final class Reply {
        private final int status;
        private final Object body;
        private final String type;
        private final HttpHeaders headers = new DefaultHttpHeaders();

        /** {@code body} as JSON. */
        public Reply(int status, Object body) {
            this(status, body, null);
        }

        private Reply(int status, Object body, String type) {
            this.status = status;
            this.body = body;
            this.type = type;
        }

        /** {@code body} as is, of content type {@code type}. */
        public static Reply bytes(int status, String type, byte[] body) {
            return new Reply(status, body, type);
        }

        /** A stream of content type {@code type}: {@code body} gets it once the status and headers are out. */
        public static Reply stream(int status, String type, ReplyStream.Body body) {
            return new Reply(status, body, type);
        }

        /** Sets header {@code name} (checked: no line breaks); returns this reply. */
        public Reply header(String name, String value) {
            headers.set(name, value);
            return this;
        }

        public int status() {
            return status;
        }

        public Object body() {
            return body;
        }

        /** The value of header {@code name}, or null. */
        public String header(String name) {
            return headers.get(name);
        }

        /** This reply with its JSON body written out now, on the calling thread (so it can count the cost). */
        public Reply rendered() {
            if (type != null) {
                return this;
            }
            Reply r = bytes(status, "application/json", json(body));
            r.headers.set(headers);
            return r;
        }
    }

    /** How much of a refused body is read and dropped before the 413 and closing. */
    static final long DRAIN_MAX = 64L << 20;
    /** Requests read while one is answered, at most; one more and the connection is closed. */
    static final int MAX_WAITING = 16;

    /** A request read in full (or the refusal of one that could not be read), waiting its turn. */
    private record Turn(Request req, boolean keepAlive, boolean headOnly, Reply refusal) {
    }

    private final RestServer server;
    private final ExecutorService pool;
    private HttpRequest head;
    private ByteArrayOutputStream body;
    private int limit;
    private boolean tooLarge;
    private long received;
    /** Set once a streaming reply has started: the connection is the stream's until it closes. */
    private volatile boolean streaming;
    /** Whether a request is being answered (I/O thread only, as is {@code waiting}). */
    private boolean busy;
    private final ArrayDeque<Turn> waiting = new ArrayDeque<>();

    /** One per connection (RestServer's pipeline). */
    HttpHandler(RestServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (streaming) {
                return; // read only to see the client leave
            }
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
                    if (!busy) { // else the client sends its body when it tires of waiting
                        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                HttpResponseStatus.CONTINUE));
                    }
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

    /** The request read so far is complete: it is answered now, or after those before it. */
    private void dispatch(ChannelHandlerContext ctx) {
        HttpRequest r = head;
        Request req = new Request(r.method().name(), r.uri(), r.headers(), body.toByteArray(), tooLarge, limit,
                (InetSocketAddress) ctx.channel().remoteAddress());
        head = null;
        body = null;
        take(ctx, new Turn(req, HttpUtil.isKeepAlive(r) && !tooLarge, HttpMethod.HEAD.equals(r.method()), null));
    }

    /**
     * Answers {@code t} now if nothing else is being answered, else queues it. The decoder hands
     * over every request of a read at once, even with reading turned off: hence the queue.
     */
    private void take(ChannelHandlerContext ctx, Turn t) {
        if (busy) {
            if (waiting.size() >= MAX_WAITING) {
                ctx.close();
            } else {
                waiting.add(t);
            }
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        if (t.refusal() != null) {
            write(ctx, t.refusal(), false, false);
            return;
        }
        try {
            pool.execute(() -> {
                Reply reply = server.answer(t.req());
                if (reply.body instanceof ReplyStream.Body stream && reply.type != null) {
                    streaming = true;
                    start(ctx, reply, stream);
                } else {
                    write(ctx, reply, t.keepAlive(), t.headOnly()).addListener(f -> next(ctx));
                }
            });
        } catch (RejectedExecutionException stopping) {
            ctx.close();
        }
    }

    /** A reply is out (on the I/O thread): the next request in line, or read again. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        if (!ctx.channel().isActive()) {
            waiting.clear();
            return;
        }
        Turn t = waiting.poll();
        if (t != null) {
            take(ctx, t);
        } else {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Sends a streaming reply's status and headers (chunked, the connection closes at its end),
     * then gives the stream to its body. From then on the connection reads again, only to see
     * the client leave: whatever it sends is dropped.
     */
    private static void start(ChannelHandlerContext ctx, Reply reply, ReplyStream.Body body) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status));
        resp.headers().set(reply.headers).set(HttpHeaderNames.CONTENT_TYPE, reply.type)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setTransferEncodingChunked(resp, true);
        ReplyStream out = new ReplyStream(ctx.channel());
        ctx.writeAndFlush(resp).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
            }
            ctx.channel().config().setAutoRead(true);
            try {
                body.start(out); // a closed stream, if the client left already: it says so at once
            } catch (RuntimeException e) {
                org.tinylog.Logger.warn(e, "REST: a streaming reply failed to start");
                out.close();
            }
        });
    }

    /** A request that cannot be read: a 400 in its turn, then the connection closes. */
    private void fail(ChannelHandlerContext ctx, String why) {
        head = null;
        body = null;
        take(ctx, new Turn(null, false, false, new Reply(400, Map.of("error", why))));
    }

    static byte[] json(Object body) {
        try {
            return RestServer.JSON.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            return "{\"error\":\"internal error: the reply could not be written as JSON\"}".getBytes();
        }
    }

    /** Writes a whole reply; its body is left out for HEAD (its length is still said). */
    private static ChannelFuture write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, boolean headOnly) {
        byte[] content = reply.type == null ? json(reply.body) : (byte[]) reply.body;
        int status = reply.status;
        boolean empty = headOnly || status == 304 || status == 204;
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                empty ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content));
        resp.headers().set(reply.headers)
                .set(HttpHeaderNames.CONTENT_TYPE, reply.type == null ? "application/json" : reply.type);
        if (status != 304 && status != 204) {
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        }
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
