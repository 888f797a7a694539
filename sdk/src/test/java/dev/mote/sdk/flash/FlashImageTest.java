package dev.mote.sdk.flash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlashImageTest {
    private static final Profile ARM = Fixtures.profile("qemu-virt-arm64");

    @TempDir
    Path tmp;

    private final Image a = TestImage.arm().app("hello").version("1.0.1").counter(1)
            .randomPayload(3000, 1).sign();
    private final Image b = TestImage.arm().app("hello").version("1.0.2").counter(2)
            .randomPayload(5000, 2).sign();

    @Test
    void imagesLandAtTheirPartitionsAndTheRestIsZero() throws IOException {
        Path out = tmp.resolve("out/flash.bin");
        FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).withImage(Slot.B, "b.img", b).write(out);
        byte[] flash = Files.readAllBytes(out);
        assertEquals(ARM.flashSize(), flash.length);
        assertEquals(16 << 20, flash.length);
        Partition pa = ARM.partition("slot_a");
        Partition pb = ARM.partition("slot_b");
        assertArrayEquals(a.toBytes(), Arrays.copyOfRange(flash, (int) pa.offset(), (int) (pa.offset() + a.size())));
        assertArrayEquals(b.toBytes(), Arrays.copyOfRange(flash, (int) pb.offset(), (int) (pb.offset() + b.size())));
        assertEquals(0x10000, pa.offset());
        assertEquals('M', flash[0x10000]);
        int nonZero = 0;
        for (byte x : flash) {
            nonZero += x != 0 ? 1 : 0;
        }
        int imageNonZero = 0;
        for (byte x : a.toBytes()) {
            imageNonZero += x != 0 ? 1 : 0;
        }
        for (byte x : b.toBytes()) {
            imageNonZero += x != 0 ? 1 : 0;
        }
        assertEquals(imageNonZero, nonZero);                  // no boot state, nothing anywhere else
        assertEquals(0, nonZeroIn(flash, ARM.partition("boot_state")));
    }

    @Test
    void theBootStateLandsAtItsCopy() throws IOException {
        Path out = tmp.resolve("flash.bin");
        BootState st = BootState.fresh(Slot.A, Slot.B, 5);
        FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).withImage(Slot.B, "b.img", b).withBootState(st)
                .write(out);
        byte[] flash = Files.readAllBytes(out);
        int bs = (int) ARM.partition("boot_state").offset();
        assertArrayEquals(st.toBytes(), Arrays.copyOfRange(flash, bs + 4096, bs + 4096 + 64));   // seq 1: copy 1
        assertArrayEquals(new byte[64], Arrays.copyOfRange(flash, bs, bs + 64));
        assertEquals(st, BootState.readNewest(Arrays.copyOfRange(flash, bs, bs + 65536)).orElseThrow());

        BootState two = new BootState(2, Slot.B, Slot.NONE, 0, Slot.B, 9);
        FlashImage.forProfile(ARM).withImage(Slot.B, "b.img", b).withBootState(two).write(out);
        flash = Files.readAllBytes(out);
        assertArrayEquals(two.toBytes(), Arrays.copyOfRange(flash, bs, bs + 64));               // seq 2: copy 0
        assertArrayEquals(new byte[64], Arrays.copyOfRange(flash, bs + 4096, bs + 4096 + 64));
    }

    @Test
    void aWrongProfileImageIsRefusedAndNothingIsWritten() throws IOException {
        Path out = tmp.resolve("flash.bin");
        Files.writeString(out, "precious");
        Path x86 = tmp.resolve("x86.img");
        TestImage.of("qemu-microvm-x86_64").app("hello").version("1.0.1").counter(1)
                .randomPayload(100, 1).sign().write(x86);
        ImageException e = assertThrows(ImageException.class,
                () -> FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).withImage(Slot.B, x86).write(out));
        assertEquals(ImageException.Reason.PROFILE_MISMATCH, e.reason());
        assertEquals("slot_b: " + x86 + ": profile mismatch: image is for qemu-microvm-x86_64, device is"
                + " qemu-virt-arm64", e.getMessage());
        assertEquals("precious", Files.readString(out));
        assertEquals(1, leftovers());
    }

    /** An image the bootloader would refuse before loading it (here: over the bootloader) never goes in. */
    @Test
    void anImageTheBootloaderRefusesIsRefusedAndNothingIsWritten() throws IOException {
        Path out = tmp.resolve("flash.bin");
        Files.writeString(out, "precious");
        Path low = tmp.resolve("low.img");
        TestImage.arm().load(0x40100000L).sign().write(low);
        ImageException e = assertThrows(ImageException.class,
                () -> FlashImage.forProfile(ARM).withImage(Slot.A, low).write(out));
        assertEquals(ImageException.Reason.MISPLACED, e.reason());
        assertEquals("slot_a: " + low + ": image at 0x40100000 overlaps the bootloader", e.getMessage());
        assertEquals("precious", Files.readString(out));
    }

    @Test
    void anOversizedImageIsRefusedAndNothingIsWritten() throws IOException {
        Image big = TestImage.arm().app("big").version("1.0.1").counter(1)
                .randomPayload(7 << 20, 1).sign();
        MoteException e = assertThrows(MoteException.class,
                () -> FlashImage.forProfile(ARM).withImage(Slot.A, "big.img", big).write(tmp.resolve("flash.bin")));
        assertEquals("slot_a: big.img is 7.0 MiB (7340392 bytes), larger than the slot_a partition: 7.0 MiB"
                + " (7340032 bytes)", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("flash.bin")));
        assertEquals(0, leftovers());
    }

    @Test
    void aBootStateNamingAnEmptySlotIsRefusedBeforeWriting() {
        FlashImage onlyA = FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> onlyA.withBootState(BootState.fresh(Slot.A, Slot.B, 0)).write(tmp.resolve("f.bin")));
        assertEquals("boot state: slot B is pending but holds no image (give one for slot_b)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> onlyA.withImage(Slot.B, "b.img", b)
                .withBootState(BootState.fresh(Slot.B, Slot.B, 0)).write(tmp.resolve("f.bin")));
        assertTrue(e.getMessage().startsWith("boot state: pending slot B is also the active one"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("f.bin")));
        assertThrows(IllegalArgumentException.class, () -> onlyA.withImage(Slot.NONE, "x", a));
    }

    @Test
    void aMalformedImageFileIsNamed() throws IOException {
        Path bad = tmp.resolve("bad.img");
        Files.write(bad, Arrays.copyOf(a.toBytes(), 500));
        ImageException e = assertThrows(ImageException.class, () -> FlashImage.forProfile(ARM).withImage(Slot.A, bad));
        assertTrue(e.getMessage().startsWith("slot_a: " + bad + ": truncated at byte 500"), e.getMessage());
        IOException io = assertThrows(IOException.class,
                () -> FlashImage.forProfile(ARM).withImage(Slot.B, tmp.resolve("missing.img")));
        assertTrue(io.getMessage().startsWith("slot_b: '"), io.getMessage());
    }

    private long leftovers() throws IOException {
        try (var files = Files.list(tmp)) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".img")).count();
        }
    }

    private static int nonZeroIn(byte[] flash, Partition p) {
        int n = 0;
        for (long i = p.offset(); i < p.end(); i++) {
            n += flash[(int) i] != 0 ? 1 : 0;
        }
        return n;
    }
}
