package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host's transfer against FakeDevice, the device side in Java, over in-process pipes:
 * clean, cut and resumed, damaged frames, lost frames, refusals, and the protocol's overhead
 * on counted bytes.
 */
@Timeout(60)
class TransferTest {
    private static final int MIB = 1 << 20;
    private static final TransferOptions FAST = TransferOptions.defaults().withAckTimeout(Duration.ofSeconds(1));

    /** One session: pipes both ways, the device serving on its own thread. */
    private static final class Session {
        final Pipe toDevice = new Pipe();
        final Pipe toHost = new Pipe();
        final Thread device;

        Session(FakeDevice dev) {
            device = dev.start(toDevice.in, toHost.out);
        }

        Session(FakeDevice dev, OutputStream deviceOut) {
            device = dev.start(toDevice.in, deviceOut);
        }

        void cut() {
            toDevice.cut();
            toHost.cut();
        }

        TransferResult run(TransferImage image, TransferOptions o, TransferListener l) throws Exception {
            return run(image, o, l, toDevice.out);
        }

        TransferResult run(TransferImage image, TransferOptions o, TransferListener l, OutputStream hostOut)
                throws Exception {
            try {
                return Transfer.run(toHost.in, hostOut, image, o, l);
            } finally {
                cut();
                device.join(10_000);
            }
        }
    }

    /** Records what the listener hears. */
    private static final class Recorder implements TransferListener {
        Info info;
        long start = -1;
        final List<Long> progress = new ArrayList<>();
        final List<String> retransmits = new ArrayList<>();

        @Override
        public void connected(Info device) {
            info = device;
        }

        @Override
        public void starting(long offset, long total) {
            start = offset;
        }

        @Override
        public void progress(long acked, long total) {
            progress.add(acked);
        }

        @Override
        public void retransmit(long offset, String why) {
            retransmits.add(offset + " " + why);
        }
    }

    private static FakeDevice device() {
        return new FakeDevice(TestImage.ARM, 2, 2 * MIB);
    }

    private static void assertHolds(FakeDevice dev, TransferImage image) {
        assertArrayEquals(image.bytes(), Arrays.copyOf(dev.slot, (int) image.size()));
        assertEquals(0, dev.bytesNeverWritten((int) image.size()));
    }

    /** A first session whose link breaks after {@code bytes} on the wire (the transfer fails with an IOException). */
    private static void cutAfter(FakeDevice dev, TransferImage image, int bytes) {
        Session first = new Session(dev);
        OutputStream cutting = new FaultyOutputStream(first.toDevice.out, Set.of(), bytes, first::cut);
        assertThrows(IOException.class, () -> first.run(image, FAST, null, cutting));
    }

    @Test
    void cleanTransfer() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(300_000, 2, 1);
        Recorder r = new Recorder();
        TransferResult result = new Session(dev).run(image, FAST, r);
        assertHolds(dev, image);
        assertEquals(0, dev.bytesWrittenMoreThanOnce());
        assertTrue(dev.pending);
        assertEquals("slot B: hello 1.2.0 ready for a TEST boot", result.deviceMessage());
        assertEquals(0, result.resumedFrom());
        assertEquals(0, result.retransmitted());
        assertEquals((300_000 + 1023) / 1024, result.dataFrames());
        assertEquals(TestImage.ARM, r.info.profile());
        assertEquals(0, r.start);
        assertEquals(300_000L, r.progress.get(r.progress.size() - 1));
        for (int i = 1; i < r.progress.size(); i++) {
            assertTrue(r.progress.get(i) > r.progress.get(i - 1));
        }
    }

    @Test
    void aCutLinkResumesFromTheOffsetTheDeviceReports() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(MIB / 2, 2, 2);
        cutAfter(dev, image, 200_000);
        long held = dev.resumeOffset;
        assertTrue(held > 150_000 && held < 200_000, "resume offset " + held);

        Recorder r = new Recorder();
        TransferResult result = new Session(dev).run(image, FAST, r);
        assertEquals(held, r.info.resumeOffset());
        assertArrayEquals(image.headerSha256(), r.info.resumeHash());
        assertEquals(held, result.resumedFrom());
        assertEquals(held, r.start);
        assertHolds(dev, image);
        // every byte written exactly once; on the wire, at most one window more than the image
        assertEquals(0, dev.bytesWrittenMoreThanOnce());
        assertTrue(dev.dataBytes <= image.size() + (long) Frame.DEFAULT_WINDOW * Frame.DEFAULT_PAYLOAD,
                "DATA bytes received " + dev.dataBytes);
    }

    @Test
    void aResumeRecordedEvery4KiBResendsOnlyTheUndurableTail() throws Exception {
        FakeDevice dev = device();
        dev.durable = 4096;
        TransferImage image = transfer(MIB / 2, 2, 3);
        cutAfter(dev, image, 123_457);
        long held = dev.resumeOffset;
        assertTrue(held > 0 && held % 4096 == 0, "resume offset " + held);
        TransferResult result = new Session(dev).run(image, FAST, null);
        assertEquals(held, result.resumedFrom());
        assertHolds(dev, image);
        assertTrue(dev.bytesWrittenMoreThanOnce() < 4096, "rewritten " + dev.bytesWrittenMoreThanOnce());
    }

    /**
     * The device's resume record vouches for bytes that are not this image's (a host sent other
     * bytes after this header's BEGIN, or something else wrote the slot since): the resumed
     * transfer fails its END check. The flasher then sends the image whole, once, instead of
     * failing (the device cleared its record at that END).
     */
    @Test
    void aResumeOverBytesThatAreNotTheImagesStartsOverOnce() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(MIB / 2, 2, 6);
        cutAfter(dev, image, 200_000);
        long held = dev.resumeOffset;
        assertTrue(held > 0);
        Arrays.fill(dev.slot, 0, (int) held, (byte) 0x5a);   // the bytes it vouches for, overwritten

        Recorder r = new Recorder();
        TransferResult result = new Session(dev).run(image, FAST, r);
        assertTrue(result.restarted(), "started over");
        assertEquals(0, result.resumedFrom(), "the pass that went through started at 0");
        assertHolds(dev, image);
        assertTrue(dev.pending);
        assertTrue(r.retransmits.stream().anyMatch(t -> t.startsWith("0 ")), r.retransmits.toString());

        // a genuine mismatch is still a failure: it does not loop
        FakeDevice bad = device();
        TransferImage broken = transfer(MIB / 2, 2, 7);
        byte[] b = broken.bytes();
        b[1000] ^= 1;   // a payload byte: the device's END says hash mismatch
        TransferImage tampered = TransferImage.of(Image.wrap(b));
        ProtocolException e = assertThrows(ProtocolException.class, () -> new Session(bad).run(tampered, FAST, null));
        assertEquals(ProtocolStatus.HASH, e.status().orElseThrow());
    }

    @Test
    void anotherImageDoesNotResumeFromAForeignPartialImage() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(MIB / 2, 2, 4);
        cutAfter(dev, image, 100_000);
        assertTrue(dev.resumeOffset > 0);

        TransferImage other = transfer(MIB / 2, 2, 5);
        TransferResult result = new Session(dev).run(other, FAST, null);
        assertEquals(0, result.resumedFrom());
        assertHolds(dev, other);
    }

    @Test
    void aDamagedFrameIsNakedAndRetransmitted() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(MIB / 4, 2, 6);
        Session s = new Session(dev);
        Recorder r = new Recorder();
        OutputStream noisy = new FaultyOutputStream(s.toDevice.out, Set.of(50_000L, 150_000L), -1, null);
        TransferResult result = s.run(image, FAST, r, noisy);
        assertHolds(dev, image);
        assertEquals(0, dev.bytesWrittenMoreThanOnce());
        assertTrue(dev.damaged >= 2 && dev.naks >= 2, dev.damaged + " damaged, " + dev.naks + " NAKs");
        assertTrue(result.retransmitted() >= 2);
        assertTrue(r.retransmits.stream().anyMatch(x -> x.endsWith("NAK: damaged frame")), r.retransmits.toString());
    }

    @Test
    void aDamagedAckIsCoveredByTheNextOne() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(MIB / 4, 2, 7);
        Pipe toHost = new Pipe();
        Pipe toDevice = new Pipe();
        Thread t = dev.start(toDevice.in, new FaultyOutputStream(toHost.out, Set.of(200L, 300L, 1000L), -1, null));
        TransferResult result = Transfer.run(toHost.in, toDevice.out, image, FAST, null);
        t.join(10_000);
        assertHolds(dev, image);
        assertEquals(0, result.retransmitted());
    }

    @Test
    void aLostLastFrameIsResentAfterTheTimeout() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(64 * 1024, 2, 8);
        dev.loseDataFrame = 64; // the last frame: nothing after it to reveal the gap
        Recorder r = new Recorder();
        TransferResult result = new Session(dev).run(image, FAST, r);
        assertHolds(dev, image);
        assertTrue(r.retransmits.contains(63 * 1024 + " timeout"), r.retransmits.toString());
        assertTrue(result.retransmitted() >= 1);
        assertEquals(0, dev.bytesWrittenMoreThanOnce());
    }

    @Test
    void aProfileMismatchIsRefusedBeforeAnyData() throws Exception {
        FakeDevice dev = new FakeDevice("qemu-microvm-x86_64", 0, 2 * MIB);
        TransferImage image = transfer(64 * 1024, 2, 9);
        ProtocolException e = assertThrows(ProtocolException.class, () -> new Session(dev).run(image, FAST, null));
        assertEquals(ProtocolStatus.PROFILE, e.status().orElseThrow());
        assertEquals("profile mismatch: image is for qemu-virt-arm64, device is qemu-microvm-x86_64", e.getMessage());
        assertEquals(0, dev.dataFrames);
        assertEquals(0, dev.begins);
        assertFalse(dev.pending);
    }

    @Test
    void aLowerSecurityCounterIsRefusedBeforeAnyData() throws Exception {
        FakeDevice dev = new FakeDevice(TestImage.ARM, 5, 2 * MIB);
        TransferImage image = transfer(64 * 1024, 3, 10);
        ProtocolException e = assertThrows(ProtocolException.class, () -> new Session(dev).run(image, FAST, null));
        assertEquals(ProtocolStatus.DOWNGRADE, e.status().orElseThrow());
        assertTrue(e.getMessage().startsWith("downgrade: security counter 3 < 5"), e.getMessage());
        assertEquals(0, dev.dataFrames);
        assertEquals(0, dev.begins);
    }

    @Test
    void anImageTooBigForTheSlotIsRefusedBeforeAnyData() throws Exception {
        FakeDevice dev = new FakeDevice(TestImage.ARM, 0, 64 * 1024);
        TransferImage image = transfer(100_000, 0, 11);
        ProtocolException e = assertThrows(ProtocolException.class, () -> new Session(dev).run(image, FAST, null));
        assertEquals(ProtocolStatus.TOO_BIG, e.status().orElseThrow());
        assertEquals(0, dev.dataFrames);
    }

    @Test
    void theDeviceRefusesAnImageItDoesNotTrustAtEnd() throws Exception {
        FakeDevice dev = device();
        SigningKey stranger = SigningKey.fromSeed(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        TransferImage image = TransferImage.of(hello().counter(2).totalSize(64 * 1024, 12).sign(stranger));
        ProtocolException e = assertThrows(ProtocolException.class, () -> new Session(dev).run(image, FAST, null));
        assertEquals(ProtocolStatus.SIGNATURE, e.status().orElseThrow());
        assertTrue(e.getMessage().startsWith("the device refused the image: unknown key id"), e.getMessage());
        assertFalse(dev.pending);
    }

    @Test
    void rebootIsSentWhenAsked() throws Exception {
        FakeDevice dev = device();
        new Session(dev).run(transfer(8192, 2, 13), FAST.withReboot(true), null);
        assertTrue(dev.pending && dev.rebooted);
    }

    @Test
    void aStaleStatusZeroFromAnEarlierSessionIsNoRefusalOfHello() throws Exception {
        FakeDevice dev = device();
        Session s = new Session(dev);
        // what a host that sent ABORT and closed at once leaves on the line: the device's answer
        s.toHost.out.write(FrameEncoder.encode(new ProtocolMessages.Status(ProtocolStatus.OK, "aborted").toFrame()));
        TransferImage image = transfer(8192, 2, 16);
        s.run(image, FAST, null);
        assertHolds(dev, image);
    }

    @Test
    void nobodyAnsweringHelloFailsWithAHint() {
        Pipe toHost = new Pipe();
        Pipe toDevice = new Pipe();
        TransferOptions o = FAST.withHello(Duration.ofMillis(50), 3);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Transfer.run(toHost.in, toDevice.out, transfer(8192, 2, 14), o, null));
        assertTrue(e.getMessage().startsWith("no answer to HELLO after 3 tries"), e.getMessage());
        assertTrue(e.status().isEmpty());
    }

    @Test
    void aCompressibleImageGoesCompressedAndArrivesWhole() throws Exception {
        FakeDevice dev = device();
        TransferImage image = compressible(300_000, 2, 20);
        TransferResult result = new Session(dev).run(image, FAST, null);
        assertHolds(dev, image);
        assertEquals(0, dev.bytesWrittenMoreThanOnce());
        assertTrue(result.compressedFrames() > result.dataFrames() / 2, result.compressedFrames() + " compressed");
        assertEquals(result.compressedFrames(), dev.compressedFrames);
        assertEquals(image.size(), result.dataImageBytes());
        assertTrue(result.compressionRatio() < 0.8, "ratio " + result.compressionRatio());
        assertTrue(result.bytesSent() < image.size() * 0.8, "wire bytes " + result.bytesSent());
        assertEquals(result.dataPayloadBytes(), dev.dataBytes);
    }

    @Test
    void compressionIsOffWhenTheHostSaysSoOrTheDeviceDoesNotOfferIt() throws Exception {
        FakeDevice dev = device();
        TransferImage image = compressible(100_000, 2, 21);
        TransferResult off = new Session(dev).run(image, FAST.withCompression(false), null);
        assertHolds(dev, image);
        assertEquals(0, off.compressedFrames());
        assertEquals(1.0, off.compressionRatio());
        FakeDevice old = device();
        old.compression = false;
        TransferResult notOffered = new Session(old).run(image, FAST, null);
        assertHolds(old, image);
        assertEquals(0, notOffered.compressedFrames());
        assertEquals(0, old.compressedFrames);
    }

    @Test
    void incompressibleFramesGoAsTheyAre() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(100_000, 2, 22);  // pseudo-random payload
        TransferResult result = new Session(dev).run(image, FAST, null);
        assertHolds(dev, image);
        assertTrue(result.compressedFrames() <= 1, "only the header's frame may shrink: " + result.compressedFrames());
        assertTrue(result.bytesSent() <= image.size() * 1.025, "never bigger than uncompressed");
    }

    @Test
    void anUndecodableCompressedFrameIsNakedNotWrittenAndTheRestGoesUncompressed() throws Exception {
        FakeDevice dev = device();
        dev.breakCompressedFrame = 3;
        TransferImage image = compressible(200_000, 2, 23);
        Recorder r = new Recorder();
        TransferResult result = new Session(dev).run(image, FAST, r);
        assertHolds(dev, image);
        assertEquals(0, dev.bytesWrittenMoreThanOnce(), "the broken frame wrote nothing");
        assertTrue(dev.naks >= 1);
        assertTrue(r.retransmits.stream().anyMatch(x -> x.contains("cannot decode a compressed frame")),
                r.retransmits.toString());
        // only frames already in flight when the NAK came may still be compressed
        assertTrue(dev.compressedAfterBreak < Frame.DEFAULT_WINDOW, dev.compressedAfterBreak + " after");
        assertTrue(result.retransmitted() >= 1);
    }

    @Test
    void aCutCompressedTransferResumesInImageBytes() throws Exception {
        FakeDevice dev = device();
        TransferImage image = compressible(MIB / 2, 2, 24);
        cutAfter(dev, image, 100_000);
        long held = dev.resumeOffset;
        assertTrue(held > 100_000, "resume offset in image bytes, beyond the wire bytes sent: " + held);
        TransferResult result = new Session(dev).run(image, FAST, null);
        assertEquals(held, result.resumedFrom());
        assertTrue(result.compressedFrames() > 0);
        assertEquals(image.size() - held, result.dataImageBytes());
        assertHolds(dev, image);
        assertEquals(0, dev.bytesWrittenMoreThanOnce());
    }

    /** The target: >= 90% of the raw link rate, so framing + ACKs may cost at most 5%. */
    @Test
    void protocolOverheadForOneMibIsUnderFivePercent() throws Exception {
        FakeDevice dev = device();
        TransferImage image = transfer(MIB, 2, 15);
        TransferResult result = new Session(dev).run(image, TransferOptions.defaults(), null);
        assertHolds(dev, image);
        double both = (double) (result.bytesSent() + result.bytesReceived()) / MIB;
        double toDevice = (double) result.bytesSent() / MIB;
        assertTrue(both <= 1.05, "wire bytes both ways / image bytes = " + both);
        assertTrue(toDevice <= 1.025, "wire bytes to the device / image bytes = " + toDevice);
        assertEquals(both, result.overhead(), 1e-9);
    }

    /** The transfer tests' image: "hello" 1.2.0 for qemu-virt-arm64, loaded at 0x40200000. */
    private static TestImage hello() {
        return TestImage.arm().load(0x40200000L).version("1.2.0").app("hello");
    }

    /** A signed image of exactly {@code totalSize} bytes with a pseudo-random payload. */
    private static TransferImage transfer(int totalSize, long securityCounter, long seed) {
        return TransferImage.of(hello().counter(securityCounter).totalSize(totalSize, seed).sign());
    }

    /**
     * A signed image whose payload compresses, as code does: 8-byte words drawn from a
     * dictionary of 64, so LZ4 finds matches in every frame.
     */
    private static TransferImage compressible(int totalSize, long securityCounter, long seed) {
        Random r = new Random(seed);
        byte[][] words = new byte[64][8];
        for (byte[] w : words) {
            r.nextBytes(w);
        }
        byte[] payload = new byte[totalSize - TestImage.OVERHEAD];
        for (int i = 0; i < payload.length; i += 8) {
            System.arraycopy(words[r.nextInt(words.length)], 0, payload, i, Math.min(8, payload.length - i));
        }
        return TransferImage.of(hello().counter(securityCounter).payload(payload).sign());
    }
}
