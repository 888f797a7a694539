package dev.mote.sdk.cli;

import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSection;
import dev.mote.sdk.elf.ElfSegment;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What `mote inspect app.elf` shows of a linked firmware ELF: its arch and entry, where it loads,
 * how many bytes a loader copies, its segments and sections. Scripts (bench/) read these from
 * `--json` instead of parsing ELF files themselves.
 */
final class ElfFacts {
    private ElfFacts() {
    }

    /** True if {@code file} starts with the ELF magic. */
    static boolean isElf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        }
    }

    /** The fields, as `mote inspect --json` prints them for an ELF. */
    static Map<String, Object> fields(Path file, ElfFile elf) throws IOException {
        List<ElfSegment> loads = elf.segments().stream().filter(s -> s.type() == ElfSegment.PT_LOAD).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("format", "elf");
        m.put("size", Files.size(file));
        m.put("arch", arch(elf.machine()));
        m.put("entry_point", hex(elf.entry()));
        m.put("load_address", loads.isEmpty() ? null : hex(loads.stream().mapToLong(ElfSegment::paddr).min()
                .getAsLong()));
        m.put("loadable_size", elf.loadableSize());
        List<Object> segments = new ArrayList<>();
        for (ElfSegment s : loads) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("vaddr", hex(s.vaddr()));
            g.put("paddr", hex(s.paddr()));
            g.put("offset", s.offset());
            g.put("filesz", s.filesz());
            g.put("memsz", s.memsz());
            g.put("flags", ((s.flags() & 4) != 0 ? "r" : "-") + ((s.flags() & 2) != 0 ? "w" : "-")
                    + ((s.flags() & 1) != 0 ? "x" : "-"));
            segments.add(g);
        }
        m.put("segments", segments);
        List<Object> sections = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.name().isEmpty()) {
                continue;
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", s.name());
            c.put("address", hex(s.addr()));
            c.put("offset", s.type() == ElfSection.SHT_NOBITS ? null : s.offset());
            c.put("size", s.size());
            c.put("allocated", s.allocated());
            sections.add(c);
        }
        m.put("sections", sections);
        return m;
    }

    /** The text form: one line per field, then one per loadable segment and allocated section. */
    @SuppressWarnings("unchecked")
    static void print(PrintStream out, Map<String, Object> m) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!(e.getValue() instanceof List)) {
                out.printf("%-20s %s%n", e.getKey(), e.getValue());
            }
        }
        for (Object o : (List<Object>) m.get("segments")) {
            Map<String, Object> g = (Map<String, Object>) o;
            out.printf("segment              %s at %s, %d bytes in the file, %d in memory%n", g.get("flags"),
                    g.get("paddr"), (Long) g.get("filesz"), (Long) g.get("memsz"));
        }
        for (Object o : (List<Object>) m.get("sections")) {
            Map<String, Object> c = (Map<String, Object>) o;
            if ((Boolean) c.get("allocated")) {
                out.printf("section              %-16s at %s, %d bytes%n", c.get("name"), c.get("address"),
                        (Long) c.get("size"));
            }
        }
    }

    private static String arch(int machine) {
        return switch (machine) {
            case ElfFile.EM_AARCH64 -> "arm64";
            case ElfFile.EM_X86_64 -> "x86_64";
            default -> "e_machine " + machine;
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
