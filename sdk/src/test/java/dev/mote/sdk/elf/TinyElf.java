package dev.mote.sdk.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.sdk.Tools;
import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds a small freestanding ELF with known functions, using the real clang and ld.lld. */
final class TinyElf {
    static final String SOURCE = String.join("\n",
            "int counter;",
            "__attribute__((noinline)) int twice(int x) { return x * 2; }",
            "__attribute__((noinline)) static int thrice(int x) { return x * 3; }",
            "void _start(void) { counter = twice(counter) + thrice(counter); for (;;) { } }",
            "");

    private TinyElf() {
    }

    /** Compiles and links the source for {@code target} (e.g. aarch64-none-elf) into dir/tiny.elf. */
    static Path build(Path dir, String target) throws IOException {
        Tools tools = Fixtures.tools();
        Path src = dir.resolve("tiny.c");
        Files.writeString(src, SOURCE);
        Path obj = dir.resolve("tiny.o");
        Path elf = dir.resolve("tiny.elf");
        run(List.of(tools.require("clang").toString(), "--target=" + target, "-O2", "-ffreestanding",
                "-fno-pic", "-c", src.toString(), "-o", obj.toString()));
        run(List.of(tools.require("ld.lld").toString(), "-static", "-nostdlib", "-e", "_start",
                "--image-base=0x400000", "-o", elf.toString(), obj.toString()));
        return elf;
    }

    private static void run(List<String> cmd) throws IOException {
        Tools.Result r = Tools.run(cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + "\n" + r.output());
    }
}
