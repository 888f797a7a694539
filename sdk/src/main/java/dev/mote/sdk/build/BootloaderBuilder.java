package dev.mote.sdk.build;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSymbol;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the Mote bootloader for one profile, trusting a given set of public keys: the SDK's
 * precompiled kernel/boot/bootmain.c plus a generated board.c and keys.c, linked against
 * libmote.a at the profile's bootloader.address. The result depends only on the SDK, the profile
 * and the keys, so it is built once and cached under a hash of all three.
 */
public final class BootloaderBuilder {
    static final String ELF = "bootloader.elf";

    private final Sdk sdk;
    private final Tools tools;
    private final PrintStream diagnostics;

    public BootloaderBuilder(Sdk sdk, Tools tools, PrintStream diagnostics) {
        this.sdk = sdk;
        this.tools = tools;
        this.diagnostics = diagnostics;
    }

    /** The bootloader ELF for {@code profile} trusting {@code keys}, from {@code cacheDir} or built there. */
    public Path build(Profile profile, List<VerifyKey> keys, Path cacheDir) throws IOException {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("keys: a bootloader needs at least one trusted public key");
        }
        Path archDir = sdk.archDir(profile.arch());
        Path bootmain = archDir.resolve("bootmain.o");
        if (!Files.isRegularFile(bootmain)) {
            throw new MoteException("the SDK has no bootloader object " + bootmain,
                    "rebuild the SDK: mvn -q -B -DskipTests -pl sdk -am package");
        }
        String board = BoardSource.generate(profile);
        String keysC = keysSource(keys);
        Path dir = cacheDir.resolve(profile.name() + "-" + hash(bootmain, archDir.resolve("libmote.a"), board, keysC));
        Path elf = dir.resolve(ELF);
        if (Files.isRegularFile(elf)) {
            return elf;
        }
        // a directory of its own: builds in this process (one per device under test) and others may race
        Path work = Files.createTempDirectory(Files.createDirectories(cacheDir), dir.getFileName() + ".tmp");
        Files.writeString(work.resolve("board.c"), board, StandardCharsets.UTF_8);
        Files.writeString(work.resolve("keys.c"), keysC, StandardCharsets.UTF_8);
        List<String> flags = new ArrayList<>(sdk.cflags(profile.arch()));
        flags.add("-I" + sdk.include().toAbsolutePath());
        List<Compiler.Unit> units = List.of(
                new Compiler.Unit(work.resolve("board.c"), work.resolve("board.o"), List.of()),
                new Compiler.Unit(work.resolve("keys.c"), work.resolve("keys.o"), List.of()));
        new Compiler(tools.require("clang"), flags, diagnostics, false).compile(units, 2);
        Linker linker = new Linker(tools.require("ld.lld"), archDir, work, diagnostics, false);
        linker.writeScript(profile.bootloaderAddress());
        linker.link(List.of(bootmain, work.resolve("board.o"), work.resolve("keys.o")), work.resolve(ELF));
        checkFits(ElfFile.read(work.resolve(ELF)), profile);
        try {
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.isRegularFile(elf)) {
                throw raced;    // not another build that got there first
            }
            deleteTree(work);
        }
        return elf;
    }

    private static void deleteTree(Path work) throws IOException {
        try (var files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Everything the bootloader uses must end below where it loads apps. */
    static void checkFits(ElfFile elf, Profile profile) {
        long end = elf.symbols().stream().filter(s -> s.name().equals("__image_end"))
                .mapToLong(ElfSymbol::value).findFirst()
                .orElseThrow(() -> new MoteException("the bootloader has no __image_end symbol", null));
        if (end > profile.loadAddress()) {
            throw new MoteException("the bootloader ends at " + Numbers.hex(end) + ", above load.address "
                    + Numbers.hex(profile.loadAddress()) + " in " + profile.source(),
                    "move load.address up (or bootloader.address down) in the profile");
        }
    }

    /** keys.c: the raw Ed25519 public keys the bootloader trusts (kernel/boot/bootmain.c). */
    static String keysSource(List<VerifyKey> keys) {
        StringBuilder c = new StringBuilder("/* Generated by mote: the keys this bootloader trusts. */\n"
                + "#include <stdint.h>\n\nconst uint8_t boot_keys[][32] = {\n");
        for (VerifyKey k : keys) {
            c.append("    { /* key id ").append(k.keyIdHex(), 0, 16).append(" */\n       ");
            byte[] raw = k.raw();
            for (int i = 0; i < raw.length; i++) {
                c.append(String.format(" 0x%02x,", raw[i] & 0xff)).append(i % 8 == 7 ? "\n       " : "");
            }
            c.setLength(c.length() - 7);
            c.append("\n    },\n");
        }
        c.append("};\nconst unsigned boot_key_count = ").append(keys.size()).append(";\n");
        return c.toString();
    }

    private static String hash(Path bootmain, Path lib, String board, String keys) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(bootmain));
            md.update(Files.readAllBytes(lib));
            md.update(board.getBytes(StandardCharsets.UTF_8));
            md.update(keys.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
