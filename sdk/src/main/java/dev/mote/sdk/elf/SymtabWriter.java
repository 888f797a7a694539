package dev.mote.sdk.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the on-device symbol table (.mote_symtab) exactly as kernel/core/symtab.h lays it
 * out, little-endian: a 24-byte header (magic "MSY2", count, strings_off, strings_size, u64 base:
 * the lowest function address), then {@code count} 12-byte entries (u32 offset from base, u32
 * size, u32 name_off) sorted by address, then the NUL-terminated names. Identical names share
 * one string.
 */
public final class SymtabWriter {
    public static final int MAGIC = 0x3259534d;
    public static final int HEADER_SIZE = 24;
    public static final int ENTRY_SIZE = 12;

    private SymtabWriter() {
    }

    /** The number of entries in a table {@link #write} produced. */
    public static int count(byte[] table) {
        return ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    /** The table for these functions (see {@link ElfFile#functions()}). */
    public static byte[] write(List<ElfSymbol> functions) {
        List<ElfSymbol> sorted = new ArrayList<>(functions);
        sorted.sort(Comparator.comparingLong(ElfSymbol::value).thenComparing(ElfSymbol::name));
        // Aliases (same address and name, e.g. a symbol seen twice) would only bloat the table.
        List<ElfSymbol> unique = new ArrayList<>();
        for (ElfSymbol s : sorted) {
            ElfSymbol last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
            if (last == null || last.value() != s.value() || !last.name().equals(s.name())) {
                unique.add(s);
            }
        }
        Map<String, Integer> offsets = new LinkedHashMap<>();
        int stringsSize = 0;
        for (ElfSymbol s : unique) {
            if (!offsets.containsKey(s.name())) {
                offsets.put(s.name(), stringsSize);
                stringsSize += s.name().getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        int stringsOff = HEADER_SIZE + ENTRY_SIZE * unique.size();
        ByteBuffer b = ByteBuffer.allocate(stringsOff + stringsSize).order(ByteOrder.LITTLE_ENDIAN);
        long base = unique.isEmpty() ? 0 : unique.get(0).value();
        b.putInt(MAGIC).putInt(unique.size()).putInt(stringsOff).putInt(stringsSize).putLong(base);
        for (ElfSymbol s : unique) {
            if (s.size() > 0xffffffffL) {
                throw new IllegalArgumentException("function " + s.name() + " is too large: " + s.size());
            }
            if (s.value() - base > 0xffffffffL) {
                throw new IllegalArgumentException("function " + s.name() + " is more than 4 GiB above the first");
            }
            b.putInt((int) (s.value() - base)).putInt((int) s.size()).putInt(offsets.get(s.name()));
        }
        for (String name : offsets.keySet()) {
            b.put(name.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        return b.array();
    }
}
