package dev.mote.sdk.elf;

/** A section header: name, type (SHT_*), flags (SHF_*), address, file offset and size. */
public record ElfSection(String name, int type, long flags, long addr, long offset, long size,
        int link, long entsize) {
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_NOBITS = 8;
    public static final long SHF_ALLOC = 0x2;

    /** True if the section occupies memory at run time. */
    public boolean allocated() {
        return (flags & SHF_ALLOC) != 0;
    }
}
