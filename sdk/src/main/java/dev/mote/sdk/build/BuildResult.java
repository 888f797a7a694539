package dev.mote.sdk.build;

import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * A finished build.
 *
 * @param elf           the linked ELF, with debug info (what `mote run` and gdb use)
 * @param bin           the flat binary for boot.protocol = linux-image, else null
 * @param image         the signed image (docs/image-format.md): what the flasher and OTA take
 * @param header        the image's header
 * @param keyId         the signing key's id, 64 hex digits
 * @param devKey        the development key file the image was signed with, or null if --key was given
 * @param elfBytes      size of the ELF file
 * @param imageBytes    size of the signed image
 * @param loadableBytes bytes loaded into memory: the sum of PT_LOAD p_filesz
 * @param functions     entries in the on-device symbol table
 */
public record BuildResult(Path elf, Path bin, Path image, ImageHeader header, String keyId, Path devKey,
        Profile profile, long elfBytes, long imageBytes, long loadableBytes, int functions, Duration took) {

    /**
     * One line: {@code built out/hello.elf + out/hello.img (0.0.0, counter 0, dev key 3fa2b1c4d5e6f708)
     * for qemu-virt-arm64: 23.1 KiB loadable (ELF 310 KiB, image 24.6 KiB) in 0.4 s}.
     */
    public String summary() {
        return "built " + elf + " + " + image + (bin != null ? " + " + bin.getFileName() : "")
                + " (" + header.version() + ", counter " + header.securityCounter() + ", "
                + (devKey != null ? "dev key " : "key ") + keyId.substring(0, 16) + ") for " + profile.name() + ": "
                + Numbers.human(loadableBytes) + " loadable (ELF " + Numbers.human(elfBytes) + ", image "
                + Numbers.human(imageBytes) + ") in " + String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0)
                + " s";
    }
}
