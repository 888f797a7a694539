package dev.mote.sdk.elf;

/** A symbol table entry: name, value (address), size, type (STT_*), binding (STB_*), section. */
public record ElfSymbol(String name, long value, long size, int type, int binding, int shndx) {
    public static final int STT_FUNC = 2;
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;

    /** True for a function with a known size: what the on-device symbol table lists. */
    public boolean isSizedFunction() {
        return type == STT_FUNC && size > 0 && shndx != 0;
    }
}
