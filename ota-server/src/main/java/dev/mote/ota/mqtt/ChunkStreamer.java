package dev.mote.ota.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import dev.mote.ota.fleet.DeviceEvents;
import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.ChunkRequest;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.Topics;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Answers {@code req} messages with chunks, on one thread so that each request's chunks leave in
 * order. Chunks go at QoS 1: Moquette drops QoS 0 messages to a subscriber whose connection is
 * not writable (a device that reads slowly, or a busy simulator), and at QoS 1 the broker's
 * in-flight window paces the device instead. Memory stays bounded when devices ask faster than
 * the broker takes: at most {@code maxOutstandingBytes} of chunks are unacknowledged by the
 * broker, and at most {@link #QUEUE} requests wait; beyond that a request is dropped, and its
 * device asks again when its chunks do not come.
 */
final class ChunkStreamer {
    static final int QUEUE = 8192;
    private static final long ACQUIRE_TIMEOUT_SECONDS = 30;

    /** What the link knows of a device: its hello's max_chunk, and the last offer it was sent. */
    private record Peer(int maxChunk, long job, int chunk, int window) {
    }

    private final MqttLink link;
    private final DeviceEvents events;
    private final LinkStats stats;
    private final int chunk;
    private final int window;
    private final Semaphore outstanding;
    private final ThreadPoolExecutor pool;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    /** Recycled chunk messages of {@link #spareLength} bytes (header and a chunk of the configured size). */
    private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
    private final int spareLength;

    ChunkStreamer(MqttLink link, DeviceEvents events, LinkStats stats, MqttLink.Options options) {
        this.link = link;
        this.events = events;
        this.stats = stats;
        this.chunk = options.chunk();
        this.window = options.window();
        this.spareLength = Chunk.HEADER + chunk;
        this.outstanding = new Semaphore(options.maxOutstandingBytes());
        this.pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> new Thread(r, "mote-mqtt-chunks"), (r, p) -> stats.requestsDropped.increment());
    }

    void hello(String id, Hello hello) {
        peers.compute(id, (k, p) -> p == null ? new Peer(hello.maxChunk(), 0, 0, 0)
                : new Peer(hello.maxChunk(), p.job(), p.chunk(), p.window()));
    }

    void offered(String id, Offer offer) {
        peers.compute(id, (k, p) -> new Peer(p == null ? 0 : p.maxChunk(), offer.job(), offer.chunk(), offer.window()));
    }

    void submit(String id, ChunkRequest req) {
        pool.execute(() -> {
            try {
                serve(id, req);
            } catch (RuntimeException e) {
                stats.error(id, Topics.of(id, Topics.REQ), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void serve(String id, ChunkRequest req) throws InterruptedException {
        if (!link.connected()) {
            stats.requestsDropped.increment(); // the device asks again after it reconnects
            return;
        }
        byte[] image = events.jobImage(id, req.job());
        if (image == null) {
            stats.cancels.increment();
            link.send(Topics.of(id, Topics.JOB), new Cancel(req.job()).toControl().toBytes(), MqttQos.AT_LEAST_ONCE);
            return;
        }
        if (req.offset() >= image.length) {
            stats.malformed(id, Topics.of(id, Topics.REQ), "req off=" + req.offset() + " is beyond the image's "
                    + image.length + " bytes");
            return;
        }
        Peer p = peers.get(id);
        boolean offered = p != null && p.job() == req.job() && p.chunk() > 0;
        DeviceEvents.Chunking known = offered ? null : events.chunking(id, req.job());
        int size = offered ? p.chunk() : known != null ? known.chunk()
                : p != null && p.maxChunk() > 0 ? Math.min(chunk, p.maxChunk()) : chunk;
        long max = (long) size * (offered ? p.window() : known != null ? known.window() : window);
        long end = Math.min(image.length, req.offset() + Math.min(req.length(), max));
        String topic = Topics.of(id, Topics.CHUNK);
        for (long off = req.offset(); off < end; off += size) {
            int n = (int) Math.min(size, end - off);
            if (!outstanding.tryAcquire(Chunk.HEADER + n, ACQUIRE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                stats.requestsDropped.increment(); // the broker stopped draining: the device asks again
                return;
            }
            byte[] msg = Chunk.encode(buffer(Chunk.HEADER + n), req.job(), off, image, (int) off, n);
            stats.chunksOut.increment();
            link.send(topic, msg, MqttQos.AT_LEAST_ONCE).whenComplete((r, e) -> {
                recycle(msg);
                outstanding.release(msg.length);
            });
        }
    }

    /**
     * A message buffer of {@code length} bytes: a recycled one when there is one. The client holds
     * a chunk's buffer until the broker acknowledged it (or the publish failed for good), and the
     * in-flight limit bounds how many there are, so reusing them saves allocating (and zeroing)
     * every chunk of every device, the server's main cost in bench/ota.
     */
    private byte[] buffer(int length) {
        byte[] b = length == spareLength ? spare.poll() : null;
        return b != null ? b : new byte[length];
    }

    /** Keeps a full-size chunk's buffer for the next chunk (the last chunk of an image is shorter). */
    private void recycle(byte[] msg) {
        if (msg.length == spareLength) {
            spare.offer(msg);
        }
    }

    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
