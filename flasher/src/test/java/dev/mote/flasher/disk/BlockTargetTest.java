package dev.mote.flasher.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.disk.FlashListener.Phase;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.HeaderVectors;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class BlockTargetTest {
    static final Profile ARM = Fixtures.profile(TestImage.ARM);

    @TempDir
    Path tmp;

    /** Counts what the flasher reports. */
    static final class Counter implements FlashListener {
        final List<String> phases = new ArrayList<>();
        long written;
        long writtenInWritePhase;
        FlashPlan plan;

        @Override
        public void planned(FlashPlan p) {
            plan = p;
        }

        @Override
        public void progress(Phase phase, long done, long total) {
            if (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase.keyword())) {
                phases.add(phase.keyword());
            }
        }

        @Override
        public void chunk(Phase phase, long offset, int length, boolean wrote) {
            if (wrote) {
                written += length;
                writtenInWritePhase += phase == Phase.WRITE ? length : 0;
            }
        }
    }

    private FlashResult flash(Path image, Path target, FlashListener l) throws IOException {
        return new BlockTarget(target, ARM).flash(image, TestKeys.trusted(), l);
    }

    private static BootState state(Path flash) throws IOException {
        return FlashContents.read(flash, ARM).bootState();
    }

    private static void assertRefusedUnchanged(Path target, Class<? extends Throwable> type, String message,
            Executable flash) throws IOException {
        String before = digest(target);
        Throwable t = assertThrows(type, flash);
        assertTrue(t.getMessage().contains(message), t.getMessage());
        assertEquals(before, digest(target), "the target must be byte-identical after a refusal");
    }

    @Test
    void aNewFlashFileGetsAFactoryFlashInSlotA() throws IOException {
        Path img = image("v1.img", 2, 1);
        Path target = tmp.resolve("flash.bin");
        Counter c = new Counter();
        FlashResult r = flash(img, target, c);

        assertEquals(ARM.flashSize(), Files.size(target));
        assertEquals(List.of("verify", "write", "readback", "record"), c.phases);
        assertEquals(Slot.A, r.plan().slot());
        assertTrue(r.plan().factory());
        BootState s = state(target);
        assertEquals(new BootState(1, Slot.A, Slot.NONE, 0, Slot.NONE, 2), s);
        FlashContents fc = FlashContents.read(target, ARM);
        assertArrayEquals(Image.read(img).toBytes(), fc.slot(Slot.A).image().toBytes());
        assertTrue(fc.slot(Slot.B).empty());
        assertEquals(Files.size(img) + BootState.SIZE, r.written());
        assertEquals(c.written, r.written());
    }

    @Test
    void theNextFlashGoesToTheOtherSlotPendingItsTestBoot() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path v2 = image("v2.img", 2, 2);
        FlashResult r = flash(v2, target, FlashListener.NONE);

        assertEquals(Slot.B, r.plan().slot());
        assertFalse(r.plan().factory());
        assertEquals(new BootState(2, Slot.A, Slot.B, 0, Slot.NONE, 1), state(target));
        FlashContents fc = FlashContents.read(target, ARM);
        assertEquals(List.of("seq 2", "seq 1"), fc.copies(), "seq 2 goes to copy 0, keeping seq 1 in copy 1");
        assertArrayEquals(Image.read(v2).toBytes(), fc.slot(Slot.B).image().toBytes());
        assertEquals(1, fc.slot(Slot.A).image().header().securityCounter(), "slot A is untouched");
    }

    @Test
    void afterBConfirmsTheNextFlashGoesToA() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        flash(image("v2.img", 2, 2), target, FlashListener.NONE);
        // what the device writes when B confirms: B active, floor raised to its counter
        byte[] bs = new byte[BootState.PARTITION_MIN];
        new BootState(2, Slot.B, Slot.NONE, 0, Slot.B, 2).writeNext(bs);
        try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
            f.seek(BootState.COPY_STRIDE);
            f.write(bs, BootState.COPY_STRIDE, BootState.SIZE);
        }
        FlashResult r = flash(image("v3.img", 3, 3), target, FlashListener.NONE);
        assertEquals(Slot.A, r.plan().slot());
        assertEquals(new BootState(4, Slot.B, Slot.A, 0, Slot.B, 2), state(target));
    }

    @Test
    void chunksThatAlreadyMatchAreNotWrittenAgain() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path v2 = image("v2.img", 1, 2);
        flash(v2, target, FlashListener.NONE);
        Counter c = new Counter();
        FlashResult again = flash(v2, target, c);

        assertEquals(Slot.B, again.plan().slot(), "B is still the pending slot");
        assertEquals(0, c.writtenInWritePhase, "every chunk of the image was already there");
        assertEquals(BootState.SIZE, c.written, "only the record is written");
        assertEquals(BootState.SIZE, again.written());
        assertEquals(Files.size(v2), again.skipped());
        assertEquals(3, state(target).seq());
    }

    @Test
    void aHalfWrittenSlotIsFinishedWithoutRewritingTheFirstHalf() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path v2 = image("v2.img", 1, 2);
        byte[] bytes = Files.readAllBytes(v2);
        try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
            f.seek(ARM.partition("slot_b").offset());
            f.write(bytes, 0, 2 * BlockTarget.CHUNK); // the power went after two chunks
        }
        Counter c = new Counter();
        flash(v2, target, c);
        assertEquals(bytes.length - 2 * BlockTarget.CHUNK, c.writtenInWritePhase);
    }

    @Test
    void aTamperedImageIsRefusedAndNothingIsWritten() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path bad = image("bad.img", 1, 2);
        byte[] b = Files.readAllBytes(bad);
        b[1000] ^= 1;
        Files.write(bad, b);
        assertRefusedUnchanged(target, ImageException.class, "hash mismatch",
                () -> flash(bad, target, FlashListener.NONE));
        Path fresh = tmp.resolve("fresh.bin");
        assertRefusedUnchanged(fresh, ImageException.class, "hash mismatch",
                () -> flash(bad, fresh, FlashListener.NONE));
        assertFalse(Files.exists(fresh), "no flash file is created for a refused image");
    }

    @Test
    void anImageForAnotherProfileIsRefused() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path x86 = TestImage.of("qemu-microvm-x86_64").counter(1).randomPayload(1000, 2)
                .write(tmp.resolve("x86.img"));
        assertRefusedUnchanged(target, ImageException.class,
                "profile mismatch: image is for qemu-microvm-x86_64, device is qemu-virt-arm64",
                () -> flash(x86, target, FlashListener.NONE));
    }

    /**
     * Signed images with hostile but well-formed headers (kernel/test/vectors/image-headers.txt):
     * the flasher refuses each with the bootloader's words and writes nothing.
     */
    @Test
    void hostileHeadersAreRefusedLikeTheBootloaderRefusesThem() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        for (HeaderVectors.Vector v : HeaderVectors.refusedFiles()) {
            Path bad = tmp.resolve(v.name() + ".img");
            v.image().write(bad);
            assertRefusedUnchanged(target, ImageException.class, v.expect(), () -> flash(bad, target, FlashListener.NONE));
        }
    }

    @Test
    void aDowngradeBelowTheRecordedCounterIsRefused() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v5.img", 5, 1), target, FlashListener.NONE);
        Path old = image("v3.img", 3, 2);
        assertRefusedUnchanged(target, ImageException.class, "downgrade: security counter 3 < 5",
                () -> flash(old, target, FlashListener.NONE));
    }

    @Test
    void anImageSignedByAnUntrustedKeyIsRefused() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path other = TestImage.arm().counter(1).randomPayload(1000, 2)
                .write(tmp.resolve("other.img"), TestKeys.stranger());
        assertRefusedUnchanged(target, ImageException.class, "unknown key id",
                () -> flash(other, target, FlashListener.NONE));
    }

    @Test
    void aFileOfTheWrongSizeIsRefused() throws IOException {
        Path target = tmp.resolve("small.bin");
        Files.write(target, new byte[1 << 20]);
        Path img = image("v1.img", 1, 1);
        assertRefusedUnchanged(target, MoteException.class, "it is 1048576 bytes, but qemu-virt-arm64's flash is "
                + ARM.flashSize(), () -> flash(img, target, FlashListener.NONE));
    }

    @Test
    void aFileHoldingSomethingElseIsRefusedUnlessForced() throws IOException {
        Path target = tmp.resolve("disk.bin");
        try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
            f.setLength(ARM.flashSize());
            f.write("some file system".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        Path img = image("v1.img", 1, 1);
        assertRefusedUnchanged(target, MoteException.class, "holds no Mote flash",
                () -> flash(img, target, FlashListener.NONE));
        new BlockTarget(target, ARM).withForce(true).flash(img, TestKeys.trusted(), FlashListener.NONE);
        assertEquals(Slot.A, state(target).active());
    }

    @Test
    void aReadBackMismatchNamesTheRangeAndLeavesTheRecordAlone() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        BootState before = state(target);
        long flipAt = ARM.partition("slot_b").offset() + BlockTarget.CHUNK + 5;
        TargetIo.Opener flipping = (p, w, size, dev) -> new FlippingIo(ChannelIo.open(p, w, size, dev), flipAt);
        Path v2 = image("v2.img", 1, 2);
        IOException e = assertThrows(IOException.class, () -> new BlockTarget(target, ARM).withOpener(flipping)
                .flash(v2, TestKeys.trusted(), FlashListener.NONE));
        long chunk = ARM.partition("slot_b").offset() + BlockTarget.CHUNK;
        assertTrue(e.getMessage().startsWith(String.format("read-back mismatch in slot_b at target bytes 0x%x-0x%x:"
                + " byte 0x%x", chunk, chunk + BlockTarget.CHUNK - 1, flipAt)), e.getMessage());
        assertTrue(e.getMessage().contains("the boot-state record was not written"), e.getMessage());
        assertEquals(before, state(target), "the old image stays the one that boots");
    }

    @Test
    void onlyTheChunksThatDifferAreWrittenInOrder() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        Path v2 = TestImage.arm().counter(2).randomPayload(700_000, 2).write(tmp.resolve("v2.img")); // > 2 slices
        flash(v2, target, FlashListener.NONE);
        long slotB = ARM.partition("slot_b").offset();
        try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
            for (int chunk : new int[] {1, 5, 10}) { // 10: the last, short one
                long at = slotB + (long) chunk * BlockTarget.CHUNK + 7;
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0xff);
            }
        }
        List<Long> written = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        FlashResult r = flash(v2, target, new FlashListener() {
            @Override
            public void chunk(Phase phase, long offset, int length, boolean wrote) {
                if (phase == Phase.WRITE) {
                    all.add(offset);
                    if (wrote) {
                        written.add((offset - slotB) / BlockTarget.CHUNK);
                    }
                }
            }
        });
        long size = Files.size(v2);
        assertEquals(List.of(1L, 5L, 10L), written);
        assertEquals(all.stream().sorted().toList(), all, "chunks are reported in order");
        assertEquals((size + BlockTarget.CHUNK - 1) / BlockTarget.CHUNK, all.size());
        assertEquals(size - 2L * BlockTarget.CHUNK - (size - 10L * BlockTarget.CHUNK), r.skipped());
        assertArrayEquals(Image.read(v2).toBytes(), FlashContents.read(target, ARM).slot(Slot.B).image().toBytes());
    }

    @Test
    void aMismatchPastTheFirstSliceNamesItsChunk() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        BootState before = state(target);
        long chunk = ARM.partition("slot_b").offset() + 9L * BlockTarget.CHUNK;
        long flipAt = chunk + 3;
        TargetIo.Opener flipping = (p, w, size, dev) -> new FlippingIo(ChannelIo.open(p, w, size, dev), flipAt);
        Path v2 = TestImage.arm().counter(2).randomPayload(700_000, 2).write(tmp.resolve("v2.img"));
        IOException e = assertThrows(IOException.class, () -> new BlockTarget(target, ARM).withOpener(flipping)
                .flash(v2, TestKeys.trusted(), FlashListener.NONE));
        assertTrue(e.getMessage().startsWith(String.format("read-back mismatch in slot_b at target bytes 0x%x-0x%x:"
                + " byte 0x%x", chunk, chunk + BlockTarget.CHUNK - 1, flipAt)), e.getMessage());
        assertEquals(before, state(target), "the old image stays the one that boots");
    }

    @Test
    void aFailedSyncLeavesTheRecordAlone() throws IOException {
        Path target = tmp.resolve("flash.bin");
        flash(image("v1.img", 1, 1), target, FlashListener.NONE);
        BootState before = state(target);
        TargetIo.Opener failing = (p, w, size, dev) -> new FlippingIo(ChannelIo.open(p, w, size, dev), -1) {
            @Override
            public void sync() throws IOException {
                throw new IOException("Input/output error");
            }
        };
        IOException e = assertThrows(IOException.class, () -> new BlockTarget(target, ARM).withOpener(failing)
                .flash(image("v2.img", 1, 2), TestKeys.trusted(), FlashListener.NONE));
        assertTrue(e.getMessage().startsWith("syncing slot_b failed: Input/output error"), e.getMessage());
        assertEquals(before, state(target));
    }

    /** A target whose read-back returns one byte flipped, like a card that drops a write. */
    static class FlippingIo implements TargetIo {
        private final TargetIo inner;
        private final long flipAt;

        FlippingIo(TargetIo inner, long flipAt) {
            this.inner = inner;
            this.flipAt = flipAt;
        }

        @Override
        public void read(long position, ByteBuffer into) throws IOException {
            inner.read(position, into);
        }

        @Override
        public void write(long position, ByteBuffer from) throws IOException {
            inner.write(position, from);
        }

        @Override
        public void sync() throws IOException {
            inner.sync();
        }

        @Override
        public void readBack(long position, ByteBuffer into) throws IOException {
            inner.readBack(position, into);
            if (flipAt >= position && flipAt < position + into.remaining()) {
                int i = into.position() + (int) (flipAt - position);
                into.put(i, (byte) (into.get(i) ^ 0x40));
            }
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    /** A signed image (the suite's key, qemu-virt-arm64) of 200,000 pseudo-random bytes, in tmp. */
    private Path image(String name, long counter, long seed) throws IOException {
        return TestImage.arm().counter(counter).randomPayload(200_000, seed).write(tmp.resolve(name));
    }

    /** SHA-256 of a file's bytes, or "absent". */
    private static String digest(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "absent";
        }
        return HexFormat.of().formatHex(TestImage.sha256(Files.readAllBytes(file)));
    }
}
