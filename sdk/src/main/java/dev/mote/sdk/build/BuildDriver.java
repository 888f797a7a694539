package dev.mote.sdk.build;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSection;
import dev.mote.sdk.elf.ElfSymbol;
import dev.mote.sdk.elf.SymtabWriter;
import dev.mote.sdk.image.DevKey;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageBuilder;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns an app directory into a firmware ELF and a signed image for one profile: compile the
 * app's .c files (every one under the app directory, or what its mote.build says: AppBuildFile)
 * and a generated board.c (in parallel), link against the SDK's kernel, C library and newlib's
 * libm (and the app's own static libraries), then link a
 * second time with the on-device symbol table built from the first link, check that no function
 * moved, and sign the loadable bytes into an image (docs/image-format.md). The ELF stays for gdb.
 * Intermediates go to {@code <outdir>/.mote/<app>-<profile>/}.
 */
public final class BuildDriver {
    private final Sdk sdk;
    private final Tools tools;
    private final PrintStream diagnostics;
    private final Map<String, String> env;

    /** Tool diagnostics (compiler and linker messages) are copied verbatim to {@code diagnostics}. */
    public BuildDriver(Sdk sdk, Tools tools, PrintStream diagnostics) {
        this(sdk, tools, diagnostics, System.getenv());
    }

    /** As above; {@code env} says where the development key is ($MOTE_DEV_KEY, $XDG_CONFIG_HOME). */
    public BuildDriver(Sdk sdk, Tools tools, PrintStream diagnostics, Map<String, String> env) {
        this.sdk = sdk;
        this.tools = tools;
        this.diagnostics = diagnostics;
        this.env = Map.copyOf(env);
    }

    /**
     * Builds {@code appDir} for {@code profile}. {@code outFile} names the ELF (x.elf, or any
     * name not ending in .img) or the image (x.img); the other goes beside it: x.elf and x.img.
     */
    public BuildResult build(Path appDir, Profile profile, Path outFile, BuildOptions options)
            throws IOException {
        long start = System.nanoTime();
        AppBuildFile buildFile = AppBuildFile.read(appDir);
        AppSources sources = AppSources.find(appDir, buildFile);
        for (Path p : sources.skipped()) {
            diagnostics.println("mote: note: " + appDir.resolve(p) + " is not compiled: " + AppBuildFile.NAME
                    + "'s sources leave it out (add it there, or list it under exclude)");
        }
        String app = appDir.toAbsolutePath().normalize().getFileName().toString();
        if (app.length() > ImageHeader.MAX_NAME || !app.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("app directory name '" + app + "' cannot go in the image header:"
                    + " use at most " + ImageHeader.MAX_NAME + " ASCII letters, digits or punctuation");
        }
        Path clang = tools.require("clang");
        Path lld = tools.require("ld.lld");
        Path objcopy = profile.bootProtocol() == Profile.BootProtocol.LINUX_IMAGE
                ? tools.require("llvm-objcopy") : null;

        Path out = elfPath(outFile.toAbsolutePath().normalize());
        Path imageOut = imagePath(out);
        Path buildDir = out.getParent().resolve(".mote").resolve(app + "-" + profile.name());
        Files.createDirectories(buildDir);

        boolean werror = options.werror() || Boolean.TRUE.equals(buildFile.werror());
        List<String> flags = new ArrayList<>(AppFlags.warnings(sdk.cflags(profile.arch()), werror));
        flags.add("-I" + sdk.include().toAbsolutePath());
        flags.add("-isystem" + sdk.include().resolve("libc").toAbsolutePath());
        List<String> appFlags = AppFlags.forSources(appDir, buildFile, options);
        Path board = buildDir.resolve("board.c");
        Files.writeString(board, BoardSource.generate(profile), StandardCharsets.UTF_8);
        List<Compiler.Unit> units = new ArrayList<>();
        for (Path src : sources.compiled()) {
            Path obj = buildDir.resolve("app").resolve(src.toString().replaceAll("\\.c$", ".o"));
            Files.createDirectories(obj.getParent());
            units.add(new Compiler.Unit(appDir.resolve(src), obj, appFlags));
        }
        units.add(new Compiler.Unit(board, buildDir.resolve("board.o"), List.of()));
        new Compiler(clang, flags, diagnostics, options.verbose()).compile(units, options.jobs());
        List<Path> objects = new ArrayList<>(units.stream().map(Compiler.Unit::object).toList());
        objects.addAll(AppFlags.libraries(appDir, buildFile, options));

        Linker linker = new Linker(lld, sdk.archDir(profile.arch()), buildDir, diagnostics, options.verbose());
        if (FloatFormats.used(objects)) {
            linker.require(FloatFormats.SYMBOL);   // printf's %f %e %g %a
        }
        linker.writeScript(profile.loadAddress());
        Path pass1 = buildDir.resolve("pass1.elf");
        linker.link(objects, pass1);
        List<ElfSymbol> functions = ElfFile.read(pass1).functions();
        byte[] symtab = SymtabWriter.write(functions);

        Path symtabObj = assembleSymtab(clang, flags, buildDir, symtab, profile, options.verbose());
        objects.add(symtabObj);
        Files.createDirectories(out.getParent());
        linker.link(objects, out);
        ElfFile elf = ElfFile.read(out);
        verify(functions, elf, symtab);

        Path bin = null;
        if (objcopy != null) {
            bin = binaryPath(out);
            Tools.Result r = Tools.run(List.of(objcopy.toString(), "-O", "binary", out.toString(), bin.toString()));
            diagnostics.print(r.output());
            if (r.exit() != 0) {
                throw new MoteException("build failed: llvm-objcopy could not write " + bin, null);
            }
        }
        SigningKey key = options.key();
        Path devKey = null;
        if (key == null) {
            devKey = DevKey.location(env, Path.of(System.getProperty("user.home")));
            key = DevKey.loadOrCreate(devKey);
            DevKey.warning(devKey, key).forEach(diagnostics::println);
            Path old = DevKey.legacyLocation(appDir);
            if (old != null && !old.equals(devKey)) {
                diagnostics.println("mote: note: " + old + " is a development key that earlier Mote versions wrote"
                        + " into your checkout; it is no longer used: delete " + old.getParent()
                        + " (a private key does not belong in a repository)");
            }
        }
        Image image = ImageBuilder.fromElf(elf, profile.name(), profile.arch()).appName(app)
                .version(options.version()).securityCounter(options.securityCounter()).sign(key);
        image.write(imageOut);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new BuildResult(display(outFile, out), bin == null ? null : display(outFile, bin),
                display(outFile, imageOut), image.header(), key.publicKey().keyIdHex(), devKey, profile,
                Files.size(out), image.size(), elf.loadableSize(), SymtabWriter.count(symtab), took);
    }

    /** out/hello.img -> out/hello.elf; any other name is the ELF's own. */
    static Path elfPath(Path out) {
        String name = out.getFileName().toString();
        return name.endsWith(".img") ? out.resolveSibling(name.substring(0, name.length() - 4) + ".elf") : out;
    }

    /** out/hello.elf -> out/hello.img; any other name gets .img appended. */
    static Path imagePath(Path elf) {
        String name = elf.getFileName().toString();
        String base = name.endsWith(".elf") ? name.substring(0, name.length() - 4) : name;
        return elf.resolveSibling(base + ".img");
    }

    /** out/hello.elf -> out/hello.bin; any other name gets .bin appended. */
    static Path binaryPath(Path out) {
        String name = out.getFileName().toString();
        String base = name.endsWith(".elf") ? name.substring(0, name.length() - 4) : name;
        return out.resolveSibling(base + ".bin");
    }

    private static Path display(Path asGiven, Path absolute) {
        return asGiven.isAbsolute() ? absolute : asGiven.resolveSibling(absolute.getFileName());
    }

    /** symtab.S: the table in .mote_symtab (allocated) and the build facts in .mote_info (not). */
    private Path assembleSymtab(Path clang, List<String> flags, Path buildDir, byte[] symtab, Profile profile,
            boolean verbose) throws IOException {
        Path bin = buildDir.resolve("symtab.bin");
        Files.write(bin, symtab);
        String info = "profile=" + profile.name() + "\\narch=" + profile.arch().keyword() + "\\n";
        Path asm = buildDir.resolve("symtab.S");
        Files.writeString(asm, String.join("\n",
                "/* Generated by `mote build`: the symbol table the kernel prints backtraces with. */",
                "    .section .mote_symtab,\"a\"",
                "    .balign 8",
                "    .incbin \"" + bin.toAbsolutePath() + "\"",
                "    .section .mote_info,\"\",%progbits",
                "    .ascii \"" + info + "\"",
                ""), StandardCharsets.UTF_8);
        List<String> asFlags = flags.stream().filter(f -> f.startsWith("--target=")).toList();
        Path obj = buildDir.resolve("symtab.o");
        new Compiler(clang, asFlags, diagnostics, verbose).compile(List.of(new Compiler.Unit(asm, obj, List.of())), 1);
        return obj;
    }

    /** Adding the table must not move any function, or the table would describe another image. */
    private static void verify(List<ElfSymbol> pass1, ElfFile pass2, byte[] symtab) throws IOException {
        List<String> before = pass1.stream().map(f -> f.name() + "@" + Long.toHexString(f.value())).sorted().toList();
        List<String> after = pass2.functions().stream().map(f -> f.name() + "@" + Long.toHexString(f.value()))
                .sorted().toList();
        if (!before.equals(after)) {
            List<String> moved = new ArrayList<>(before);
            moved.removeAll(after);
            throw new MoteException("build failed: functions moved between the two link passes: "
                    + String.join(", ", moved.subList(0, Math.min(5, moved.size()))),
                    "link.ld must place .mote_symtab after .text (and everything executable)");
        }
        ElfSection s = pass2.section(".mote_symtab");
        if (s == null || !s.allocated()) {
            throw new MoteException("build failed: the image has no .mote_symtab section",
                    "link.ld must keep it: KEEP(*(.mote_symtab)) after .text");
        }
        if (!Arrays.equals(Arrays.copyOf(pass2.contents(s), symtab.length), symtab)) {
            throw new MoteException("build failed: .mote_symtab in the image is not the table written",
                    "link.ld must place .mote_symtab's input first in its output section");
        }
    }
}
