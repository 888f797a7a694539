package dev.mote.sdk.image;

import dev.mote.sdk.profile.Arch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Test images and ELF files with known contents, made without a toolchain. */
final class Samples {
    static final long LOAD = 0x40100000L;

    private Samples() {
    }

    /** {@code size} bytes of a fixed pseudo-random pattern. */
    static byte[] payload(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    static ImageBuilder builder(int payloadSize) {
        return new ImageBuilder("qemu-virt-arm64", Arch.ARM64, LOAD, LOAD + 0x40, payload(payloadSize))
                .appName("hello").version(new Version(1, 2, 3)).securityCounter(7);
    }

    /** A signed 1000-byte-payload image. */
    static Image image(SigningKey key) {
        return builder(1000).sign(key);
    }

    /** One PT_LOAD segment: where it goes, its file bytes and its memory size. */
    record Segment(long vaddr, byte[] data, long memsz) {
    }

    /** A 64-bit little-endian ELF with these PT_LOAD segments and no sections. */
    static byte[] elf(int machine, long entry, Segment... segments) {
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
