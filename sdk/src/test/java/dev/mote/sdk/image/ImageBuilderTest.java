package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
    @TempDir
    Path tmp;

    private ElfFile elf(int machine, Segment... segments) throws IOException {
        return elf(machine, 0x40100010L, segments);
    }

    private ElfFile elf(int machine, long entry, Segment... segments) throws IOException {
        Path file = tmp.resolve("app.elf");
        Files.write(file, elfBytes(machine, entry, segments));
        return ElfFile.read(file);
    }

    @Test
    void payloadSpansTheSegmentsWithGapsZeroAndWithoutBss() throws IOException {
        byte[] text = TestImage.random(100, 100);
        byte[] data = TestImage.random(16, 16);
        ElfFile elf = elf(ElfFile.EM_AARCH64,
                new Segment(0x40108000L, data, 0x20), // listed first: order must not matter
                new Segment(0x40100000L, text, 100),
                new Segment(0x40109000L, new byte[0], 0x8000)); // .bss only: left out
        ImageBuilder b = ImageBuilder.fromElf(elf, "qemu-virt-arm64", Arch.ARM64);
        byte[] payload = b.payload();
        assertEquals(0x8000 + 16, payload.length);
        assertArrayEquals(text, Arrays.copyOfRange(payload, 0, 100));
        assertTrue(Arrays.equals(new byte[0x8000 - 100], Arrays.copyOfRange(payload, 100, 0x8000)), "gap is zero");
        assertArrayEquals(data, Arrays.copyOfRange(payload, 0x8000, 0x8010));

        ImageHeader h = b.appName("demo").version(new Version(2, 0, 1)).securityCounter(5).header();
        assertEquals(0x40100000L, h.loadAddress());
        assertEquals(0x40100010L, h.entryPoint());
        assertEquals(payload.length, h.payloadSize());
        assertEquals(Arch.ARM64, h.arch());
        assertEquals("demo", h.appName());
        assertEquals("qemu-virt-arm64", h.profile());
        assertEquals(5, h.securityCounter());
        assertArrayEquals(VerifyKey.sha256(payload), h.payloadSha256());
    }

    @Test
    void signedImagesVerify() throws IOException {
        SigningKey key = SigningKey.generate();
        Image img = ImageBuilder.fromElf(elf(ElfFile.EM_X86_64, 0x100010L,
                new Segment(0x100000, TestImage.random(64, 64), 64)),
                "qemu-microvm-x86_64", Arch.X86_64).sign(key);
        assertEquals(Version.ZERO, img.header().version());
        assertEquals(0, img.header().securityCounter());
        assertEquals("app", img.header().appName());
        new Verifier(List.of(key.publicKey())).expectProfile("qemu-microvm-x86_64").verify(img.toBytes());
    }

    @Test
    void anElfForAnotherArchitectureIsRefused() throws IOException {
        ElfFile x86 = elf(ElfFile.EM_X86_64, new Segment(0x100000, TestImage.random(8, 8), 8));
        MoteException e = assertThrows(MoteException.class,
                () -> ImageBuilder.fromElf(x86, "qemu-virt-arm64", Arch.ARM64));
        assertTrue(e.getMessage().contains("is not an arm64 ELF"), e.getMessage());
    }

    /** An image whose entry point is not in its payload would be refused by every device: never built. */
    @Test
    void anEntryPointOutsideTheLoadableBytesIsRefused() throws IOException {
        ElfFile outside = elf(ElfFile.EM_AARCH64, 0x40200000L, new Segment(0x40100000L, TestImage.random(64, 1), 64));
        MoteException e = assertThrows(MoteException.class,
                () -> ImageBuilder.fromElf(outside, "qemu-virt-arm64", Arch.ARM64));
        assertTrue(e.getMessage().contains("the entry point 0x40200000 is outside the loadable bytes"),
                e.getMessage());
    }

    @Test
    void anElfWithNothingToLoadIsRefused() throws IOException {
        ElfFile empty = elf(ElfFile.EM_AARCH64, new Segment(0x40000000L, new byte[0], 0x1000));
        MoteException e = assertThrows(MoteException.class,
                () -> ImageBuilder.fromElf(empty, "qemu-virt-arm64", Arch.ARM64));
        assertTrue(e.getMessage().endsWith("has no loadable bytes (no PT_LOAD segment with file data)"));
    }

    @Test
    void segmentsTooFarApartAreRefused() throws IOException {
        ElfFile spread = elf(ElfFile.EM_AARCH64, new Segment(0x40000000L, TestImage.random(8, 8), 8),
                new Segment(0x80000000L, TestImage.random(8, 8), 8));
        MoteException e = assertThrows(MoteException.class,
                () -> ImageBuilder.fromElf(spread, "qemu-virt-arm64", Arch.ARM64));
        assertTrue(e.getMessage().contains("loadable segments span 0x40000008 bytes"), e.getMessage());
    }

    @Test
    void overlappingSegmentsAreRefused() throws IOException {
        ElfFile overlap = elf(ElfFile.EM_AARCH64, new Segment(0x40000000L, TestImage.random(32, 32), 32),
                new Segment(0x40000010L, TestImage.random(8, 8), 8));
        MoteException e = assertThrows(MoteException.class,
                () -> ImageBuilder.fromElf(overlap, "qemu-virt-arm64", Arch.ARM64));
        assertTrue(e.getMessage().contains("segments overlap at 0x40000010"), e.getMessage());
    }

    /** One PT_LOAD segment: where it goes, its file bytes and its memory size. */
    private record Segment(long vaddr, byte[] data, long memsz) {
    }

    /** A 64-bit little-endian ELF with these PT_LOAD segments and no sections. */
    private static byte[] elfBytes(int machine, long entry, Segment... segments) {
        int phoff = 64;
        int dataStart = phoff + 56 * segments.length;
        int total = dataStart;
        for (Segment s : segments) {
            total += s.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) machine).putInt(20, 1).putLong(24, entry)
                .putLong(32, phoff).putLong(40, 0).putShort(52, (short) 64).putShort(54, (short) 56)
                .putShort(56, (short) segments.length).putShort(58, (short) 64).putShort(60, (short) 0);
        int off = dataStart;
        for (int i = 0; i < segments.length; i++) {
            Segment s = segments[i];
            int ph = phoff + 56 * i;
            b.putInt(ph, 1).putInt(ph + 4, 5).putLong(ph + 8, off).putLong(ph + 16, s.vaddr())
                    .putLong(ph + 24, s.vaddr()).putLong(ph + 32, s.data().length).putLong(ph + 40, s.memsz())
                    .putLong(ph + 48, 0x1000);
            b.put(off, s.data());
            off += s.data().length;
        }
        return b.array();
    }
}
