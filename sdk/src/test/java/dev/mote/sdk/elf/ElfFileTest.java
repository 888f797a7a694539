package dev.mote.sdk.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsSectionsSymbolsAndSegmentsOfAnArm64Elf() throws IOException {
        ElfFile elf = ElfFile.read(TinyElf.build(tmp, "aarch64-none-elf"));
        assertEquals(ElfFile.EM_AARCH64, elf.machine());
        ElfSection text = elf.section(".text");
        assertNotNull(text);
        assertTrue(text.allocated());
        Map<String, ElfSymbol> funcs = elf.functions().stream()
                .collect(Collectors.toMap(ElfSymbol::name, s -> s));
        assertEquals(List.of("_start", "thrice", "twice"), funcs.keySet().stream().sorted().toList());
        assertEquals(elf.entry(), funcs.get("_start").value());
        assertEquals(ElfSymbol.STB_LOCAL, funcs.get("thrice").binding());
        for (ElfSymbol f : funcs.values()) {
            assertTrue(f.value() >= text.addr() && f.value() + f.size() <= text.addr() + text.size(), f.toString());
        }
        assertTrue(elf.symbols().stream().anyMatch(s -> s.name().equals("counter") && s.type() != ElfSymbol.STT_FUNC));
        long load = elf.segments().stream().filter(p -> p.type() == ElfSegment.PT_LOAD)
                .mapToLong(ElfSegment::filesz).sum();
        assertTrue(load > 0);
        assertEquals(load, elf.loadableSize());
    }

    @Test
    void readsAnX86Elf() throws IOException {
        ElfFile elf = ElfFile.read(TinyElf.build(tmp, "x86_64-none-elf"));
        assertEquals(ElfFile.EM_X86_64, elf.machine());
        assertEquals(3, elf.functions().size());
    }

    @Test
    void rejectsWhatIsNotAnElf() throws IOException {
        Path notElf = Files.writeString(tmp.resolve("main.c"), "int app_main(void) { return 0; }\n");
        IOException e = assertThrows(IOException.class, () -> ElfFile.read(notElf));
        assertTrue(e.getMessage().endsWith("main.c: not an ELF file"), e.getMessage());
    }
}
