package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSymbol;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every function math.h declares is in the SDK's libm.a (newlib's, built for each arch). */
class LibmTest {
    private static final Pattern DECL = Pattern.compile("^(?:double|float|int|long|long long) (\\w+)\\(",
            Pattern.MULTILINE);

    @ParameterizedTest
    @EnumSource(Arch.class)
    void everyDeclaredFunctionIsDefined(Arch arch) throws IOException {
        String header = Files.readString(Fixtures.sdk().include().resolve("libc/math.h"), StandardCharsets.UTF_8);
        TreeSet<String> declared = new TreeSet<>();
        Matcher m = DECL.matcher(header);
        while (m.find()) {
            declared.add(m.group(1));
        }
        assertTrue(declared.size() > 100, declared.toString());
        TreeSet<String> defined = new TreeSet<>();
        for (ElfFile member : members(Fixtures.sdk().archDir(arch).resolve("libm.a"))) {
            for (ElfSymbol s : member.symbols()) {
                if (s.shndx() != 0 && s.binding() != ElfSymbol.STB_LOCAL) {
                    defined.add(s.name());
                }
            }
        }
        declared.removeAll(defined);
        assertEquals(new TreeSet<>(), declared, "declared in math.h but not in " + arch.keyword() + "/libm.a");
    }

    /** The ELF members of an ar archive. */
    static List<ElfFile> members(Path archive) throws IOException {
        byte[] b = Files.readAllBytes(archive);
        List<ElfFile> out = new ArrayList<>();
        for (int at = 8; at + 60 <= b.length;) {
            long size = Long.parseLong(new String(b, at + 48, 10, StandardCharsets.ISO_8859_1).trim());
            int start = at + 60;
            if (b[start] == 0x7f && b[start + 1] == 'E') {
                out.add(ElfFile.parse(archive, Arrays.copyOfRange(b, start, start + (int) size)));
            }
            at = start + (int) size + (int) (size & 1);
        }
        return out;
    }
}
