package dev.mote.sdk.testing;

import dev.mote.sdk.image.Board;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kernel/test/vectors/image-headers.txt: hostile but well-formed headers and what every reader
 * must say about them (the bootloader's C test reads the same file). For each module's tests:
 * the headers, and signed images built from them for tools that take files.
 */
public final class HeaderVectors {
    public static final Path FILE = Fixtures.repo().resolve("kernel/test/vectors/image-headers.txt");
    /** Images with larger payloads are not built as files (the header-level test covers them). */
    public static final long MAX_BUILT = 8 << 20;

    /** One line: a header's numbers, and "ok" or the words its refusal must contain. */
    public record Vector(String name, Arch arch, long size, long load, long entry, String expect) {
        public boolean refused() {
            return !expect.equals("ok");
        }

        /** The header, for qemu-virt-arm64, version 1.0.0, app "vectors", a zero hash. */
        public ImageHeader header() {
            return new ImageHeader(arch, size, load, entry, new Version(1, 0, 0), 0, TestImage.ARM, "vectors",
                    new byte[32]);
        }

        /** The image: these numbers, a real payload of {@code size} pseudo-random bytes, signed with TestKeys.KEY. */
        public Image image() {
            if (size > MAX_BUILT) {
                throw new IllegalStateException(name + ": payload too large to build");
            }
            return TestImage.arm().arch(arch).load(load).entry(entry).app("vectors")
                    .randomPayload((int) size, size).sign();
        }
    }

    private HeaderVectors() {
    }

    /** The board the vectors are checked against (the file's "board" line). */
    public static Board board() {
        for (String line : lines()) {
            String[] b = line.trim().split("\\s+");
            if (b[0].equals("board")) {
                return new Board(arch(b[1]), hex(b[2]), hex(b[3]), hex(b[4]), hex(b[5]), hex(b[6]));
            }
        }
        throw new IllegalStateException(FILE + ": no board line");
    }

    public static List<Vector> all() {
        List<Vector> out = new ArrayList<>();
        for (String line : lines()) {
            String[] f = line.trim().split("\\s+", 6);
            if (!f[0].equals("board")) {
                out.add(new Vector(f[0], arch(f[1]), hex(f[2]), hex(f[3]), hex(f[4]), f[5]));
            }
        }
        return out;
    }

    /** The refused vectors small enough to build as image files. */
    public static List<Vector> refusedFiles() {
        return all().stream().filter(v -> v.refused() && v.size() <= MAX_BUILT).toList();
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(FILE).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Arch arch(String code) {
        return code.equals("1") ? Arch.ARM64 : Arch.X86_64;
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
