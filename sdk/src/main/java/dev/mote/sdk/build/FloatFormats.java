package dev.mote.sdk.build;

import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an app formats floating point: a printf directive such as {@code %.2f} or {@code %g}
 * in the read-only strings of its objects or static libraries. Only then is printf's float
 * formatter (fmt_float, ~5 KiB) linked, so hello stays small; without it the kernel's printf
 * prints such a directive as written (kernel/lib/fmt.c). A format built at run time is not
 * seen: docs/device-api.md says how to ask for the formatter then.
 */
final class FloatFormats {
    /** The symbol that pulls the float formatter out of libmote.a. */
    static final String SYMBOL = "fmt_float";

    private static final Pattern DIRECTIVE = Pattern.compile(
            "%[-+ #0]*(?:\\d+|\\*)?(?:\\.(?:\\d+|\\*)?)?(?:hh|h|ll|l|j|z|t|L)?([a-zA-Z%])");

    private FloatFormats() {
    }

    /** True if any of these objects (.o) or archives (.a) holds a float directive in a string. */
    static boolean used(List<Path> files) throws IOException {
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            if (isArchive(bytes) ? archiveUses(f, bytes) : objectUses(ElfFile.parse(f, bytes))) {
                return true;
            }
        }
        return false;
    }

    /** True if the text holds a float conversion (f F e E g G a A) outside "%%". */
    static boolean hasFloatDirective(String text) {
        Matcher m = DIRECTIVE.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            if ("fFeEgGaA".indexOf(m.group(1).charAt(0)) >= 0) {
                return true;
            }
            from = m.end();
        }
        return false;
    }

    private static boolean objectUses(ElfFile elf) {
        for (ElfSection s : elf.sections()) {
            if (s.type() == ElfSection.SHT_PROGBITS && s.allocated() && s.name().startsWith(".rodata")
                    && hasFloatDirective(new String(elf.contents(s), StandardCharsets.ISO_8859_1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isArchive(byte[] b) {
        return b.length >= 8 && new String(b, 0, 8, StandardCharsets.ISO_8859_1).equals("!<arch>\n");
    }

    /** The members of a System V / GNU ar archive that are ELF objects. */
    private static boolean archiveUses(Path file, byte[] b) throws IOException {
        int at = 8;
        while (at + 60 <= b.length) {
            String header = new String(b, at, 60, StandardCharsets.ISO_8859_1);
            long size = Long.parseLong(header.substring(48, 58).trim());
            int start = at + 60;
            if (size < 0 || start + size > b.length) {
                throw new IOException(file + ": truncated archive");
            }
            if (size >= 4 && b[start] == 0x7f && b[start + 1] == 'E' && b[start + 2] == 'L' && b[start + 3] == 'F') {
                byte[] member = java.util.Arrays.copyOfRange(b, start, start + (int) size);
                if (objectUses(ElfFile.parse(file, member))) {
                    return true;
                }
            }
            at = start + (int) size + (int) (size & 1);
        }
        return false;
    }
}
