package dev.mote.ota.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.ChunkRequest;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.ProtocolException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The device's download bookkeeping, without MQTT: what the C agent must do, chunk by chunk. */
class DownloadTest {
    private static final byte[] IMAGE = new byte[10_000];
    /** 1000-byte chunks, 2 per request: requests of 2000 bytes. */
    private static final Offer OFFER = new Offer(7, "0".repeat(64), IMAGE.length, "1.0.0", 0, 1000, 2, 60);

    static {
        new Random(3).nextBytes(IMAGE);
    }

    private static Chunk chunk(long job, int off, int len) {
        return Chunk.of(job, off, Arrays.copyOfRange(IMAGE, off, off + len));
    }

    private static ChunkRequest req(long off, long len) {
        return new ChunkRequest(7, off, len);
    }

    @Test
    void twoRequestsOutstandingAndChunksInOrderFillTheImage() {
        Download d = new Download(OFFER);
        assertEquals(List.of(req(0, 2000), req(2000, 2000)), d.fill());
        assertEquals(List.of(), d.fill(), "never more than two");
        for (int off = 0; off < IMAGE.length; off += 1000) {
            assertTrue(d.accept(chunk(7, off, 1000)), "chunk at " + off);
            d.fill();
        }
        assertTrue(d.complete());
        assertArrayEquals(IMAGE, d.image);
    }

    @Test
    void duplicatesOtherJobsAndChunksOutsideTheWindowsAreDropped() {
        Download d = new Download(OFFER);
        d.fill();
        assertFalse(d.accept(chunk(8, 0, 1000)), "another job");
        assertTrue(d.accept(chunk(7, 0, 1000)));
        assertFalse(d.accept(chunk(7, 0, 1000)), "a duplicate");
        assertFalse(d.accept(chunk(7, 4000, 1000)), "not asked for");
        assertFalse(d.accept(chunk(7, 1500, 500)), "not on a chunk boundary");
        assertFalse(d.accept(chunk(7, 1000, 500)), "shorter than its slot");
        assertFalse(d.accept(Chunk.of(7, 1000, new byte[1001])), "larger than the offer's chunk");
        assertEquals(1000, d.have());
    }

    @Test
    void aChunkWhoseCrcDoesNotMatchIsDroppedAndItsSlotStaysOpen() {
        Download d = new Download(OFFER);
        d.fill();
        byte[] msg = Chunk.encode(7, 1000, IMAGE, 1000, 1000);
        msg[Chunk.HEADER + 10] ^= 0x40; // a bit flipped on the way
        assertFalse(d.accept(Chunk.decode(msg)));
        assertThrows(ProtocolException.class, () -> Chunk.decode(msg).bytes());
        assertTrue(d.accept(chunk(7, 0, 1000)));
        assertEquals(1000, d.have(), "the damaged chunk's slot is still empty");
        assertTrue(d.accept(Chunk.decode(Chunk.encode(7, 1000, IMAGE, 1000, 1000))), "the resent chunk fills it");
        assertEquals(2000, d.have());
        assertArrayEquals(Arrays.copyOf(IMAGE, 2000), Arrays.copyOf(d.image, 2000));
    }

    @Test
    void chunksMayArriveOutOfOrder() {
        Download d = new Download(OFFER);
        d.fill();
        assertTrue(d.accept(chunk(7, 1000, 1000)));
        assertEquals(0, d.have());
        assertFalse(d.accept(chunk(7, 1000, 1000)), "a duplicate");
        assertTrue(d.accept(chunk(7, 0, 1000)));
        assertEquals(2000, d.have());
    }

    @Test
    void theSecondRequestMayFinishFirst() {
        Download d = new Download(OFFER);
        d.fill();
        assertTrue(d.accept(chunk(7, 2000, 1000)));
        assertTrue(d.accept(chunk(7, 3000, 1000)));
        assertEquals(0, d.have());
        assertEquals(List.of(), d.fill(), "the first is still outstanding");
        assertTrue(d.accept(chunk(7, 0, 1000)));
        assertTrue(d.accept(chunk(7, 1000, 1000)));
        assertEquals(4000, d.have());
        assertEquals(List.of(req(4000, 2000), req(6000, 2000)), d.fill());
    }

    @Test
    void aRestartAsksAgainForExactlyWhatIsMissing() {
        Download d = new Download(OFFER);
        d.fill();
        d.accept(chunk(7, 0, 1000));
        d.accept(chunk(7, 3000, 1000));
        assertEquals(List.of(req(1000, 1000), req(2000, 1000)), d.restart(),
                "1000..3000 missing (one run per request); 3000..4000 came");
        assertTrue(d.accept(chunk(7, 1000, 1000)), "a late chunk is still welcome");
        assertEquals(List.of(req(2000, 1000)), d.restart());
        assertTrue(d.accept(chunk(7, 2000, 1000)));
        assertEquals(4000, d.have());
        assertEquals(List.of(req(4000, 2000), req(6000, 2000)), d.fill());
    }

    @Test
    void aRestartWithNothingOutstandingAsksFromWhatIsHeld() {
        Download d = new Download(OFFER);
        assertEquals(List.of(req(0, 2000), req(2000, 2000)), d.restart());
    }

    @Test
    void theSameImageOfferedAgainResumesWhereItStopped() {
        Download d = new Download(OFFER);
        d.fill();
        d.accept(chunk(7, 0, 1000));
        d.accept(chunk(7, 1000, 1000));
        d.accept(chunk(7, 2000, 1000));
        Offer again = new Offer(7, OFFER.sha256(), OFFER.size(), "1.0.0", 0, 500, 4, 60);
        assertTrue(d.sameImage(again));
        assertFalse(d.sameImage(new Offer(8, OFFER.sha256(), OFFER.size(), "1.0.0", 0, 500, 4, 60)));
        Download resumed = new Download(again, d);
        assertEquals(3000, resumed.have());
        assertEquals(List.of(req(3000, 2000), req(5000, 2000)), resumed.fill());
    }

    @Test
    void theLastRequestIsCutAtTheEnd() {
        Download d = new Download(new Offer(7, "0".repeat(64), 2500, "1.0.0", 0, 1000, 2, 60));
        assertEquals(List.of(req(0, 2000), req(2000, 500)), d.fill());
    }
}
