package dev.mote.sdk.build;

import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A finished build.
 *
 * @param elf           the linked image, with debug info (what `mote run` and gdb use)
 * @param bin           the flat binary for boot.protocol = linux-image, else null
 * @param elfBytes      size of the ELF file
 * @param loadableBytes bytes loaded into memory: the sum of PT_LOAD p_filesz
 * @param functions     entries in the on-device symbol table
 */
public record BuildResult(Path elf, Path bin, Profile profile, long elfBytes, long loadableBytes,
        int functions, Duration took) {

    /** One line: {@code built out/hello.elf for qemu-virt-arm64: 23.1 KiB loadable (ELF 310 KiB) in 0.4 s}. */
    public String summary() {
        return "built " + elf + (bin != null ? " (+ " + bin.getFileName() + ")" : "") + " for "
                + profile.name() + ": " + Numbers.human(loadableBytes) + " loadable (ELF "
                + Numbers.human(elfBytes) + ") in "
                + String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0) + " s";
    }
}
