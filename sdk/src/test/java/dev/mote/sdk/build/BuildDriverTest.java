package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.Fixtures;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSection;
import dev.mote.sdk.elf.SymtabWriter;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.MoteInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildDriverTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();

    private BuildResult build(Path app, String profile, Path out) throws IOException {
        BuildDriver d = new BuildDriver(Fixtures.sdk(), Fixtures.tools(),
                new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
        return d.build(app, Fixtures.profile(profile), out, BuildOptions.defaults());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64", "rpi4-arm64", "pc-x86_64"})
    void buildsHelloForEveryProfile(String profile) throws IOException {
        Path out = tmp.resolve("out/hello.elf");
        BuildResult r = build(Fixtures.example("hello"), profile, out);
        assertEquals(out, r.elf());
        assertTrue(Files.isDirectory(tmp.resolve("out/.mote/hello-" + profile)));
        ElfFile elf = ElfFile.read(out);
        assertEquals(Files.size(out), r.elfBytes());
        assertEquals(elf.loadableSize(), r.loadableBytes());
        assertEquals(profile, MoteInfo.read(elf).profile());
        ElfSection symtab = elf.section(".mote_symtab");
        assertNotNull(symtab);
        byte[] table = Arrays.copyOf(elf.contents(symtab), (int) symtab.size());
        assertEquals(SymtabWriter.MAGIC, ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(0));
        assertTrue(r.functions() > 10, "functions: " + r.functions());
        assertTrue(elf.functions().stream().anyMatch(f -> f.name().equals("app_main")));
        Profile p = Fixtures.profile(profile);
        if (p.bootProtocol() == Profile.BootProtocol.LINUX_IMAGE) {
            assertEquals(tmp.resolve("out/hello.bin"), r.bin());
            assertTrue(Files.size(r.bin()) >= r.loadableBytes() / 2);
        } else {
            assertNull(r.bin());
        }
        assertTrue(r.summary().matches("built .*hello\\.elf.* for " + profile
                + ": [0-9.]+ KiB loadable \\(ELF [0-9.]+ KiB\\) in [0-9.]+ s"), r.summary());
    }

    @Test
    void aSyntaxErrorReportsFileAndLine() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(app.resolve("main.c"), "#include <mote.h>\n\nint app_main(void)\n{\n    return 0\n}\n");
        MoteException e = assertThrows(MoteException.class,
                () -> build(app, "qemu-virt-arm64", tmp.resolve("out/broken.elf")));
        String text = diagnostics.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("main.c:5:"), text);
        assertTrue(text.contains("error: expected ';'"), text);
        assertEquals("build failed: main.c did not compile (1 error)", e.getMessage());
    }

    @Test
    void aMissingAppDirectoryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(tmp.resolve("nope"), "qemu-virt-arm64", tmp.resolve("o.elf")));
        assertTrue(e.getMessage().startsWith("app directory '" + tmp.resolve("nope") + "' does not exist"));
    }

    @Test
    void anAppWithoutSourcesIsNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(empty, "qemu-virt-arm64", tmp.resolve("o.elf")));
        assertTrue(e.getMessage().contains("has no .c files"), e.getMessage());
    }

    @Test
    void anUnknownProfileListsTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(Fixtures.example("hello"), "qemu-virt-riscv", tmp.resolve("o.elf")));
        assertTrue(e.getMessage().startsWith("unknown profile 'qemu-virt-riscv' (available: "), e.getMessage());
    }

    @Test
    void aMissingAppMainIsExplained() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("nomain"));
        Files.writeString(app.resolve("other.c"), "int helper(void) { return 1; }\n");
        MoteException e = assertThrows(MoteException.class,
                () -> build(app, "qemu-microvm-x86_64", tmp.resolve("o.elf")));
        assertEquals("the app must define int app_main(void)", e.hint());
        assertTrue(diagnostics.toString(StandardCharsets.UTF_8).contains("app_main"));
    }

    @Test
    void binaryPathReplacesTheElfExtension() {
        assertEquals(Path.of("out/kernel8.bin"), BuildDriver.binaryPath(Path.of("out/kernel8.elf")));
        assertEquals(Path.of("out/img.bin"), BuildDriver.binaryPath(Path.of("out/img")));
    }
}
