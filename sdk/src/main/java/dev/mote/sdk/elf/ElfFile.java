package dev.mote.sdk.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A minimal reader for 64-bit little-endian ELF files, the only kind Mote produces (ARM64 and
 * x86_64): sections, the symbol table and program headers. The whole file is read into memory;
 * firmware images are small.
 */
public final class ElfFile {
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;

    private final Path path;
    private final ByteBuffer buf;
    private final int machine;
    private final long entry;
    private final List<ElfSection> sections;
    private final List<ElfSegment> segments;

    private ElfFile(Path path, byte[] data) throws IOException {
        this.path = path;
        this.buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 64 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw new IOException(path + ": not an ELF file");
        }
        if (data[4] != 2 || data[5] != 1) {
            throw new IOException(path + ": not a 64-bit little-endian ELF file");
        }
        try {
            machine = Short.toUnsignedInt(buf.getShort(18));
            entry = buf.getLong(24);
            sections = readSections();
            segments = readSegments();
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException(path + ": truncated or corrupt ELF file", e);
        }
    }

    /** Parses ELF bytes (e.g. a member of a .a archive); {@code name} is for errors. */
    public static ElfFile parse(Path name, byte[] bytes) throws IOException {
        return new ElfFile(name, bytes);
    }

    /** Reads and parses {@code path}; IOException if it is not a 64-bit little-endian ELF. */
    public static ElfFile read(Path path) throws IOException {
        return new ElfFile(path, Files.readAllBytes(path));
    }

    public Path path() {
        return path;
    }

    /** e_machine: EM_AARCH64 or EM_X86_64 for Mote images. */
    public int machine() {
        return machine;
    }

    public long entry() {
        return entry;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public List<ElfSegment> segments() {
        return segments;
    }

    /** The first section with this name, or null. */
    public ElfSection section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** The file bytes of a section (empty for SHT_NOBITS). */
    public byte[] contents(ElfSection s) {
        if (s.type() == ElfSection.SHT_NOBITS) {
            return new byte[0];
        }
        byte[] out = new byte[Math.toIntExact(s.size())];
        buf.get(Math.toIntExact(s.offset()), out);
        return out;
    }

    /** Bytes the loader copies into memory: the sum of p_filesz over PT_LOAD segments. */
    public long loadableSize() {
        return segments.stream().filter(p -> p.type() == ElfSegment.PT_LOAD).mapToLong(ElfSegment::filesz).sum();
    }

    /** All entries of .symtab (without the null entry 0); empty if the file is stripped. */
    public List<ElfSymbol> symbols() {
        ElfSection symtab = sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB)
                .findFirst().orElse(null);
        if (symtab == null) {
            return List.of();
        }
        ElfSection strtab = sections.get(symtab.link());
        List<ElfSymbol> result = new ArrayList<>();
        int n = (int) (symtab.size() / 24);
        for (int i = 1; i < n; i++) {
            int off = Math.toIntExact(symtab.offset() + 24L * i);
            int nameOff = buf.getInt(off);
            int info = Byte.toUnsignedInt(buf.get(off + 4));
            int shndx = Short.toUnsignedInt(buf.getShort(off + 6));
            long value = buf.getLong(off + 8);
            long size = buf.getLong(off + 16);
            result.add(new ElfSymbol(string(strtab, nameOff), value, size, info & 0xf, info >> 4, shndx));
        }
        return Collections.unmodifiableList(result);
    }

    /** STT_FUNC symbols with a size, as the on-device symbol table lists them. */
    public List<ElfSymbol> functions() {
        return symbols().stream().filter(ElfSymbol::isSizedFunction).toList();
    }

    private List<ElfSection> readSections() {
        long shoff = buf.getLong(40);
        int shentsize = Short.toUnsignedInt(buf.getShort(58));
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        int shstrndx = Short.toUnsignedInt(buf.getShort(62));
        List<ElfSection> raw = new ArrayList<>();
        int[] nameOffs = new int[shnum];
        for (int i = 0; i < shnum; i++) {
            int off = Math.toIntExact(shoff + (long) shentsize * i);
            nameOffs[i] = buf.getInt(off);
            raw.add(new ElfSection("", buf.getInt(off + 4), buf.getLong(off + 8), buf.getLong(off + 16),
                    buf.getLong(off + 24), buf.getLong(off + 32), buf.getInt(off + 40), buf.getLong(off + 56)));
        }
        List<ElfSection> named = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            ElfSection s = raw.get(i);
            String name = shstrndx < shnum ? string(raw.get(shstrndx), nameOffs[i]) : "";
            named.add(new ElfSection(name, s.type(), s.flags(), s.addr(), s.offset(), s.size(), s.link(),
                    s.entsize()));
        }
        return Collections.unmodifiableList(named);
    }

    private List<ElfSegment> readSegments() {
        long phoff = buf.getLong(32);
        int phentsize = Short.toUnsignedInt(buf.getShort(54));
        int phnum = Short.toUnsignedInt(buf.getShort(56));
        List<ElfSegment> result = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int off = Math.toIntExact(phoff + (long) phentsize * i);
            result.add(new ElfSegment(buf.getInt(off), buf.getInt(off + 4), buf.getLong(off + 8),
                    buf.getLong(off + 16), buf.getLong(off + 24), buf.getLong(off + 32), buf.getLong(off + 40)));
        }
        return Collections.unmodifiableList(result);
    }

    private String string(ElfSection table, int offset) {
        int start = Math.toIntExact(table.offset() + offset);
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buf.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
