package dev.mote.sdk.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlashContentsTest {
    private static final Profile ARM = Fixtures.profile("qemu-virt-arm64");

    @TempDir
    Path tmp;

    private final Image a = TestImage.arm().app("hello").version("1.0.3").counter(3)
            .randomPayload(1000, 3).sign();

    @Test
    void readsBackWhatWasWritten() throws IOException {
        Path f = tmp.resolve("flash.bin");
        FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).write(f);
        FlashContents c = FlashContents.read(f, ARM);
        assertNull(c.bootState());
        assertEquals(List.of("empty (all zero)", "empty (all zero)"), c.copies());
        assertEquals(a.header(), c.slot(Slot.A).image().header());
        assertEquals("hello 1.0.3 for qemu-virt-arm64, security counter 3, 1.3 KiB", c.slot(Slot.A).summary());
        assertTrue(c.slot(Slot.B).empty());
        assertEquals("empty", c.slot(Slot.B).summary());

        Image b = TestImage.arm().app("hello").version("1.0.4").counter(4)
                .randomPayload(2000, 4).sign();
        BootState st = BootState.fresh(Slot.A, Slot.B, 3);
        FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).withImage(Slot.B, "b.img", b).withBootState(st)
                .write(f);
        c = FlashContents.read(f, ARM);
        assertEquals(st, c.bootState());
        assertEquals(List.of("empty (all zero)", "seq 1"), c.copies());
        assertEquals(b.header(), c.slot(Slot.B).image().header());
        assertNull(c.slot(Slot.B).problem());
    }

    @Test
    void saysWhatTheBootloaderWillRefuse() throws IOException {
        Path f = tmp.resolve("flash.bin");
        FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).withBootState(BootState.fresh(Slot.A, Slot.NONE, 5))
                .write(f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(ARM.partition("slot_b").offset());
            raf.write("garbage".getBytes());
            raf.seek(ARM.partition("boot_state").offset() + 4096 + 20);  // seq 1's reserved bytes: CRC breaks
            raf.write(1);
        }
        FlashContents c = FlashContents.read(f, ARM);
        assertNull(c.bootState());
        assertTrue(c.copies().get(1).startsWith("bad CRC (stored 0x"), c.copies().get(1));
        assertEquals("refused by the bootloader: bad magic", c.slot(Slot.B).summary());

        FlashImage.forProfile(ARM).withImage(Slot.A, "a.img", a).withBootState(BootState.fresh(Slot.A, Slot.NONE, 5))
                .write(f);
        assertEquals("hello 1.0.3 for qemu-virt-arm64, security counter 3, 1.3 KiB; refused by the bootloader:"
                + " downgrade: security counter 3 < 5", FlashContents.read(f, ARM).slot(Slot.A).summary());
    }

    @Test
    void aFileOfTheWrongSizeIsNotThisProfilesFlash() throws IOException {
        Path f = tmp.resolve("small.bin");
        Files.write(f, new byte[4096]);
        MoteException e = assertThrows(MoteException.class, () -> FlashContents.read(f, ARM));
        assertEquals(f + " is 4096 bytes, but qemu-virt-arm64's flash is 16777216", e.getMessage());
        assertThrows(IOException.class, () -> FlashContents.read(tmp.resolve("missing.bin"), ARM));
    }
}
