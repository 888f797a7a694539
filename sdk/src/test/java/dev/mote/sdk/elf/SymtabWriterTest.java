package dev.mote.sdk.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymtabWriterTest {
    @TempDir
    Path tmp;

    private static ElfSymbol func(String name, long addr, long size) {
        return new ElfSymbol(name, addr, size, ElfSymbol.STT_FUNC, ElfSymbol.STB_GLOBAL, 1);
    }

    @Test
    void writesTheLayoutOfSymtabH() {
        byte[] t = SymtabWriter.write(List.of(func("b", 0x2000, 8), func("a", 0x1000, 0x20)));
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x3359534d, b.getInt(0));
        assertArrayEquals("MSY3".getBytes(StandardCharsets.US_ASCII), new byte[] {t[0], t[1], t[2], t[3]});
        assertEquals(4, b.getInt(4));             // a, the gap after it, b, the end
        assertEquals(24 + 4 * 8, b.getInt(8));
        assertEquals(4, b.getInt(12));
        assertEquals(0x1000, b.getLong(16));   // base: the lowest function
        assertEquals(0, b.getInt(24));         // a: base + 0
        assertEquals(0, b.getInt(28));
        assertEquals(0x20, b.getInt(32));      // no function from a's end to b
        assertEquals(-1, b.getInt(36));
        assertEquals(0x1000, b.getInt(40));    // b: base + 0x1000
        assertEquals(2, b.getInt(44));
        assertEquals(0x1008, b.getInt(48));    // the end of the last function
        assertEquals(-1, b.getInt(52));
        assertEquals("a\0b\0", new String(t, 56, 4, StandardCharsets.US_ASCII));
        assertEquals(60, t.length);
        assertEquals(2, SymtabWriter.count(t));
    }

    @Test
    void paddingUpTo16BytesAndSizelessFunctionsNeedNoGapEntry() {
        byte[] t = SymtabWriter.write(List.of(func("a", 0x1000, 0x1c), func("b", 0x1020, 0), func("c", 0x1080, 4)));
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, b.getInt(4));          // a, b, c, the end
        assertEquals(0x84, b.getInt(24 + 3 * 8));
        assertEquals(3, SymtabWriter.count(t));
    }

    @Test
    void functionsMoreThan4GiBApartAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SymtabWriter.write(List.of(func("a", 0x1000, 4), func("b", 0x1000 + (1L << 32), 4))));
    }

    @Test
    void sharesRepeatedNamesAndDropsExactDuplicates() {
        byte[] t = SymtabWriter.write(List.of(func("init", 0x10, 4), func("init", 0x20, 4), func("init", 0x10, 4)));
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getInt(4));          // init at 0x10, init at 0x20, the end
        assertEquals(5, b.getInt(12));
        assertEquals(0, b.getInt(24 + 4));
        assertEquals(0, b.getInt(24 + 8 + 4));
    }

    @Test
    void tableOfARealElfIsSortedAndNamesEveryFunction() throws IOException {
        ElfFile elf = ElfFile.read(TinyElf.build(tmp, "aarch64-none-elf"));
        byte[] t = SymtabWriter.write(elf.functions());
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt(4);
        int stringsOff = b.getInt(8);
        assertEquals(3, SymtabWriter.count(t));
        assertEquals(-1, b.getInt(24 + 8 * (count - 1) + 4), "the last entry ends the last function");
        long last = -1;
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            long addr = b.getLong(16) + Integer.toUnsignedLong(b.getInt(24 + 8 * i));
            assertTrue(addr > last);
            last = addr;
            int nameOff = b.getInt(24 + 8 * i + 4);
            if (nameOff == -1) {
                continue;
            }
            int end = stringsOff + nameOff;
            while (t[end] != 0) {
                end++;
            }
            names.append(new String(t, stringsOff + nameOff, end - stringsOff - nameOff, StandardCharsets.UTF_8))
                    .append(' ');
        }
        for (String n : List.of("_start", "twice", "thrice")) {
            assertTrue(names.toString().contains(n + " "), names.toString());
        }
    }
}
