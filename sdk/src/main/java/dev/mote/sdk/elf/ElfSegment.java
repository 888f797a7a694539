package dev.mote.sdk.elf;

/** A program header: type (PT_*), flags, file offset, addresses and sizes. */
public record ElfSegment(int type, int flags, long offset, long vaddr, long paddr, long filesz,
        long memsz) {
    public static final int PT_LOAD = 1;
}
