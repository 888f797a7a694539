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
 * out, little-endian: a 24-byte header (magic "MSY3", count, strings_off, strings_size, u64 base:
 * the lowest function address), then {@code count} 8-byte entries (u32 offset from base, u32
 * name_off) sorted by address, then the NUL-terminated names. A function runs to the next entry;
 * an entry with name_off {@link #GAP} marks where no function is: after the last one, and after
 * any function followed by more than {@link #PADDING} bytes that belong to none. Identical names
 * share one string.
 */
public final class SymtabWriter {
    public static final int MAGIC = 0x3359534d;
    public static final int HEADER_SIZE = 24;
    public static final int ENTRY_SIZE = 8;
    public static final int GAP = 0xffffffff;
    /** Alignment padding up to this many bytes is counted to the function before it. */
    static final long PADDING = 16;

    private SymtabWriter() {
    }

    /** The number of functions in a table {@link #write} produced (its gap entries not counted). */
    public static int count(byte[] table) {
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        int named = 0;
        for (int i = 0, n = b.getInt(4); i < n; i++) {
            named += b.getInt(HEADER_SIZE + i * ENTRY_SIZE + 4) == GAP ? 0 : 1;
        }
        return named;
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
        long base = unique.isEmpty() ? 0 : unique.get(0).value();
        List<long[]> entries = new ArrayList<>();   // {offset from base, name_off or GAP}
        for (int i = 0; i < unique.size(); i++) {
            ElfSymbol s = unique.get(i);
            long end = s.value() + s.size();
            if (end - base > 0xffffffffL) {
                throw new IllegalArgumentException("function " + s.name() + " ends more than 4 GiB above the first");
            }
            entries.add(new long[] {s.value() - base, offsets.get(s.name())});
            ElfSymbol next = i + 1 < unique.size() ? unique.get(i + 1) : null;
            boolean last = next == null;
            // a function without a size (assembly) runs to the next one; the last one ends where its size says
            if (last || (s.size() > 0 && next.value() > end + PADDING)) {
                entries.add(new long[] {end - base, GAP & 0xffffffffL});
            }
        }
        int stringsOff = HEADER_SIZE + ENTRY_SIZE * entries.size();
        ByteBuffer b = ByteBuffer.allocate(stringsOff + stringsSize).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(entries.size()).putInt(stringsOff).putInt(stringsSize).putLong(base);
        for (long[] e : entries) {
            b.putInt((int) e[0]).putInt((int) e[1]);
        }
        for (String name : offsets.keySet()) {
            b.put(name.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        return b.array();
    }
}
