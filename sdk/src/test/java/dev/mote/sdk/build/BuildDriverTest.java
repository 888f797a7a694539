package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSection;
import dev.mote.sdk.elf.ElfSegment;
import dev.mote.sdk.elf.SymtabWriter;
import dev.mote.sdk.image.DevKey;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.MoteInfo;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
        assertTrue(r.summary().matches("built .*hello\\.elf \\+ .*hello\\.img.* \\(0\\.0\\.0, counter 0, dev key"
                + " [0-9a-f]{16}\\) for " + profile + ": [0-9.]+ KiB loadable \\(ELF [0-9.]+ KiB, image [0-9.]+ KiB\\)"
                + " in [0-9.]+ s"), r.summary());

        // Without a key the image is signed with the user's development key, loudly.
        assertEquals(tmp.resolve("out/hello.img"), r.image());
        assertEquals(DevKey.location(), r.devKey());
        assertFalse(r.devKey().startsWith(Fixtures.repo()), "never a private key in the app's repository");
        assertTrue(diagnostics.toString(StandardCharsets.UTF_8).contains("NOT FOR PRODUCTION"));
        VerifyKey devPub = Keys.readPublic(DevKey.publicFile(DevKey.location()));
        Image img = new Verifier(List.of(devPub)).expectProfile(profile).verify(Files.readAllBytes(r.image()));
        assertEquals(r.header(), img.header());
        assertEquals("hello", img.header().appName());
        long handoff = elf.symbols().stream().filter(sym -> sym.name().equals("boot_handoff"))
                .findFirst().orElseThrow().value();
        assertEquals(handoff, img.header().entryPoint(), "the bootloader starts images at boot_handoff");
        if (p.arch() == dev.mote.sdk.profile.Arch.X86_64) {
            assertNotEquals(elf.entry(), handoff, "x86 e_entry is the 32-bit multiboot entry");
        }
        assertEquals(Files.size(r.image()), r.imageBytes());
    }

    @Test
    void anImageOutputPutsTheElfBesideItAndSignsWithTheGivenKey() throws IOException {
        SigningKey key = SigningKey.generate();
        BuildDriver d = new BuildDriver(Fixtures.sdk(), Fixtures.tools(),
                new PrintStream(diagnostics, true, StandardCharsets.UTF_8));
        BuildOptions o = new BuildOptions(List.of(), 0, false, key, new Version(2, 1, 0), 12);
        BuildResult r = d.build(Fixtures.example("hello"), Fixtures.profile("qemu-microvm-x86_64"),
                tmp.resolve("fw/hello.img"), o);
        assertEquals(tmp.resolve("fw/hello.elf"), r.elf());
        assertEquals(tmp.resolve("fw/hello.img"), r.image());
        assertNull(r.devKey());
        assertTrue(!diagnostics.toString(StandardCharsets.UTF_8).contains("WARNING"));
        Image img = new Verifier(List.of(key.publicKey())).expectProfile("qemu-microvm-x86_64").minSecurityCounter(12)
                .verify(Files.readAllBytes(r.image()));
        assertEquals(new Version(2, 1, 0), img.header().version());
        assertEquals(Arch.X86_64, img.header().arch());
        ElfFile elf = ElfFile.read(r.elf());
        long lowest = elf.segments().stream().filter(s -> s.type() == ElfSegment.PT_LOAD && s.filesz() > 0)
                .mapToLong(ElfSegment::vaddr).min().orElseThrow();
        assertEquals(lowest, img.header().loadAddress());
        assertTrue(img.payload().length >= r.loadableBytes());
    }

    @Test
    void anAppInItsOwnRepositoryIsSignedWithTheKeyRunTrusts() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("blink-repo"));
        Files.createDirectories(repo.resolve(".git"));
        Path app = Files.createDirectories(repo.resolve("firmware"));
        Files.writeString(app.resolve("main.c"), "#include <mote.h>\nint app_main(void) { return 0; }\n");
        BuildResult r = new BuildDriver(Fixtures.sdk(), Fixtures.tools(),
                new PrintStream(diagnostics, true, StandardCharsets.UTF_8))
                .build(app, Fixtures.profile("qemu-virt-arm64"), tmp.resolve("out/blink.img"), BuildOptions.defaults());
        assertFalse(Files.exists(repo.resolve(".mote")), "no key written into the app's repository");
        try (var files = Files.walk(repo)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".key")).toList());
        }
        List<VerifyKey> trusted = BootChain.defaultKeys(r.image(), tmp, Path.of(System.getProperty("user.home")));
        new Verifier(trusted).expectProfile("qemu-virt-arm64").verify(Files.readAllBytes(r.image()));
    }

    @Test
    void imageAndElfPathsMirrorEachOther() {
        assertEquals(Path.of("out/a.elf"), BuildDriver.elfPath(Path.of("out/a.img")));
        assertEquals(Path.of("out/a.elf"), BuildDriver.elfPath(Path.of("out/a.elf")));
        assertEquals(Path.of("out/kernel"), BuildDriver.elfPath(Path.of("out/kernel")));
        assertEquals(Path.of("out/a.img"), BuildDriver.imagePath(Path.of("out/a.elf")));
        assertEquals(Path.of("out/kernel.img"), BuildDriver.imagePath(Path.of("out/kernel")));
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

    @ParameterizedTest
    @ValueSource(strings = {"update/bootstate.h", "core/core.h", "hal/cpu.h", "bootstate.h"})
    void anAppCannotIncludeTheKernelsOwnHeaders(String header) throws IOException {
        Path app = Files.createDirectories(tmp.resolve("peeks"));
        Files.writeString(app.resolve("main.c"), "#include <mote.h>\n#include <" + header + ">\n\n"
                + "int app_main(void)\n{\n    return 0;\n}\n");
        MoteException e = assertThrows(MoteException.class,
                () -> build(app, "qemu-virt-arm64", tmp.resolve("out/peeks.elf")));
        String text = diagnostics.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("main.c:2:"), text);
        assertTrue(text.contains("fatal error: '" + header + "' file not found"), text);
        assertEquals("build failed: main.c did not compile (1 error)", e.getMessage());
        assertTrue(e.hint().startsWith("'" + header + "' is neither the app's own nor part of the app API"),
                e.hint());
        assertTrue(e.hint().contains("<mote.h>"), e.hint());
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
