package dev.mote.sdk.run;

import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSection;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The build facts `mote build` stores in an image's non-allocated .mote_info section
 * ({@code profile=<name>\narch=<arch>\n}), so `mote run` knows the board without -p.
 */
public record MoteInfo(String profile, String arch) {

    /** The image's build facts, or null if it has no .mote_info section. */
    public static MoteInfo read(ElfFile elf) {
        ElfSection s = elf.section(".mote_info");
        if (s == null) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : new String(elf.contents(s), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return new MoteInfo(fields.get("profile"), fields.get("arch"));
    }
}
