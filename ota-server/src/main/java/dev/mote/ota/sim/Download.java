package dev.mote.ota.sim;

import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.ChunkRequest;
import dev.mote.ota.protocol.Offer;
import java.util.ArrayList;
import java.util.List;

/**
 * One image download as a device runs it (docs/ota-protocol.md, "Downloading"), kept free of MQTT
 * so that the C agent can copy it line by line: at most two requests of chunk x window bytes
 * outstanding, each with one bit per chunk. A chunk is taken only if it starts on a chunk
 * boundary of an outstanding request, has that slot's exact length, and was not taken before;
 * anything else (a duplicate, another job's, a late chunk of an abandoned request) is dropped.
 * Chunks may arrive out of order (a broker may resend one late), so the bits, not the arrival
 * order, say what is held. {@link #have} is the contiguous prefix held, which is what the device
 * reports and resumes from.
 */
final class Download {
    /** An outstanding request for [off, end): which of its chunks came, and how many in a row from the start. */
    private static final class Req {
        final long off;
        final long end;
        final boolean[] got;
        int prefix;

        Req(long off, long end, int chunk) {
            this.off = off;
            this.end = end;
            this.got = new boolean[(int) ((end - off + chunk - 1) / chunk)];
        }

        boolean complete() {
            return prefix == got.length;
        }
    }

    static final int OUTSTANDING = 2;

    final Offer offer;
    final byte[] image;
    private final List<Req> reqs = new ArrayList<>(OUTSTANDING);
    private long done;

    Download(Offer offer) {
        this.offer = offer;
        this.image = new byte[(int) offer.size()];
    }

    /** The same image offered again (after a reconnect): keeps what {@code held} has, asks for the rest. */
    Download(Offer offer, Download held) {
        this.offer = offer;
        this.image = held.image;
        this.done = held.have();
    }

    /** Is {@code o} the image this download fetches (same job, same bytes)? */
    boolean sameImage(Offer o) {
        return o.job() == offer.job() && o.sha256().equals(offer.sha256()) && o.size() == offer.size();
    }

    /** Bytes held from the start of the image, with no gap. */
    long have() {
        if (reqs.isEmpty()) {
            return done;
        }
        Req r = reqs.get(0);
        return Math.min(r.end, r.off + (long) r.prefix * offer.chunk());
    }

    boolean complete() {
        return have() == image.length;
    }

    /** The requests to send now so that two are outstanding (none when everything is asked for). */
    List<ChunkRequest> fill() {
        List<ChunkRequest> out = new ArrayList<>(OUTSTANDING);
        long ask = reqs.isEmpty() ? done : reqs.get(reqs.size() - 1).end;
        long perRequest = (long) offer.chunk() * offer.window();
        while (reqs.size() < OUTSTANDING && ask < image.length) {
            long len = Math.min(perRequest, image.length - ask);
            reqs.add(new Req(ask, ask + len, offer.chunk()));
            out.add(new ChunkRequest(offer.job(), ask, len));
            ask += len;
        }
        return out;
    }

    /**
     * Nothing came for too long (a chunk or a request was lost, or a broker holds a chunk back to
     * resend it later): ask again for exactly the chunks still missing, one request per run of
     * missing chunks; what did arrive is kept.
     */
    List<ChunkRequest> restart() {
        if (reqs.isEmpty()) {
            return fill();
        }
        List<ChunkRequest> out = new ArrayList<>();
        int chunk = offer.chunk();
        for (Req r : reqs) {
            for (int i = r.prefix; i < r.got.length; i++) {
                if (r.got[i]) {
                    continue;
                }
                int j = i;
                while (j < r.got.length && !r.got[j]) {
                    j++;
                }
                long from = r.off + (long) i * chunk;
                out.add(new ChunkRequest(offer.job(), from, Math.min(r.end, r.off + (long) j * chunk) - from));
                i = j;
            }
        }
        return out;
    }

    /**
     * Takes the chunk if it fills an empty slot of an outstanding request and its CRC matches;
     * false when it is dropped.
     */
    boolean accept(Chunk c) {
        if (c.job() != offer.job()) {
            return false;
        }
        for (Req r : reqs) {
            long rel = c.offset() - r.off;
            if (rel < 0 || c.offset() >= r.end || rel % offer.chunk() != 0) {
                continue;
            }
            int slot = (int) (rel / offer.chunk());
            if (r.got[slot] || c.length() != Math.min(offer.chunk(), r.end - c.offset())
                    || !c.copyTo(image, (int) c.offset())) {
                return false; // a bad CRC leaves garbage in a slot that is still empty: harmless
            }
            r.got[slot] = true;
            while (r.prefix < r.got.length && r.got[r.prefix]) {
                r.prefix++;
            }
            while (!reqs.isEmpty() && reqs.get(0).complete()) {
                done = reqs.remove(0).end; // a later request may already be complete too
            }
            return true;
        }
        return false;
    }
}
