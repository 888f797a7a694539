package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Tools;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSymbol;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Apps laid out as firmware is: subfolders, include directories, flags, static libraries, warnings. */
class AppBuildTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();

    private Path file(Path app, String name, String... lines) throws IOException {
        Path f = app.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private BuildResult build(Path app, String profile, BuildOptions o) throws IOException {
        return new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(diagnostics, true,
                StandardCharsets.UTF_8)).build(app, Fixtures.profile(profile), tmp.resolve("out/" + profile + ".elf"), o);
    }

    private String diag() {
        return diagnostics.toString(StandardCharsets.UTF_8);
    }

    private static List<String> functions(BuildResult r) throws IOException {
        return ElfFile.read(r.elf()).functions().stream().map(ElfSymbol::name).toList();
    }

    @Test
    void sourcesInSubfoldersAreCompiledWithoutABuildFile() throws IOException {
        Path app = tmp.resolve("nested");
        file(app, "main.c", "#include \"util/calc.h\"", "int app_main(void) { return calc_twice(1) + deep_one() - 3; }");
        file(app, "util/calc.h", "int calc_twice(int x);", "int deep_one(void);");
        file(app, "util/calc.c", "#include \"util/calc.h\"", "int calc_twice(int x) { return 2 * x; }");
        file(app, "util/more/deep.c", "int deep_one(void) { return 1; }");
        file(app, ".hidden/ignored.c", "this is not C and must never be compiled");
        BuildResult r = build(app, "qemu-virt-arm64", BuildOptions.defaults());
        assertTrue(functions(r).containsAll(List.of("calc_twice", "deep_one", "app_main")), functions(r).toString());
    }

    @Test
    void sameFileNamesInTwoFoldersBothLink() throws IOException {
        Path app = tmp.resolve("twins");
        file(app, "main.c", "int a_util(void); int b_util(void);", "int app_main(void) { return a_util() + b_util(); }");
        file(app, "a/util.c", "int a_util(void) { return 0; }");
        file(app, "b/util.c", "int b_util(void) { return 0; }");
        assertTrue(functions(build(app, "qemu-microvm-x86_64", BuildOptions.defaults()))
                .containsAll(List.of("a_util", "b_util")));
    }

    @Test
    void aBuildFileChoosesSourcesAndNamesWhatItLeavesOut() throws IOException {
        Path app = tmp.resolve("chosen");
        file(app, "mote.build", "sources = main.c src/*.c", "exclude = tools/**");
        file(app, "main.c", "int used(void);", "int app_main(void) { return used(); }");
        file(app, "src/used.c", "int used(void) { return 0; }");
        file(app, "old/legacy.c", "int legacy(void) { return 0; }");
        file(app, "tools/host.c", "#include <sys/socket.h>", "int main(void) { return 0; }");
        BuildResult r = build(app, "qemu-virt-arm64", BuildOptions.defaults());
        assertFalse(functions(r).contains("legacy"));
        assertTrue(diag().contains("mote: note: " + app.resolve("old/legacy.c") + " is not compiled"), diag());
        assertFalse(diag().contains("host.c"), "excluded files are not reported: " + diag());

        file(app, "mote.build", "sources = main.c lib/*.c");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(app, "qemu-virt-arm64", BuildOptions.defaults()));
        assertTrue(e.getMessage().contains("sources: 'lib/*.c' matches no .c file"), e.getMessage());
    }

    @Test
    void includeDefinesAndFlagsFromTheFileAndTheOptions() throws IOException {
        Path app = tmp.resolve("flags");
        file(app, "mote.build", "include = inc", "defines = FROM_FILE=3", "cflags = -DFROM_FILE_FLAGS=4");
        file(app, "inc/board_cfg.h", "#define CFG_OK 1");
        file(app, "main.c", "#include <board_cfg.h>", "#include <extra.h>",
                "#if FROM_FILE != 3 || FROM_FILE_FLAGS != 4 || FROM_CLI != 5 || FROM_CLI_FLAGS != 6 || !CFG_OK || !EXTRA",
                "#error flags did not arrive", "#endif", "int app_main(void) { return 0; }");
        Path extra = Files.createDirectories(tmp.resolve("shared"));
        file(extra, "extra.h", "#define EXTRA 1");
        BuildOptions o = new BuildOptions(List.of("FROM_CLI=5"), 0, false).withApp(List.of(extra),
                List.of("-DFROM_CLI_FLAGS=6"), List.of(), false);
        build(app, "qemu-microvm-x86_64", o);

        file(app, "mote.build", "include = missing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(app, "qemu-microvm-x86_64", BuildOptions.defaults()));
        assertTrue(e.getMessage().contains("include: 'missing'") && e.getMessage().contains("is not a directory"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aPrebuiltStaticLibraryIsLinked(String profile) throws IOException {
        // a vendor library, built for the board's architecture with the SDK's flags
        Profile p = Fixtures.profile(profile);
        Path vendor = Files.createDirectories(tmp.resolve("lib-app/vendor"));
        Path src = file(vendor, "sensor.c", "int sensor_read(void) { return 42; }", "int sensor_unused(void) { return 7; }");
        List<String> cc = new ArrayList<>(List.of(Fixtures.tools().require("clang").toString()));
        cc.addAll(Fixtures.sdk().cflags(p.arch()));
        cc.addAll(List.of("-c", src.toString(), "-o", vendor.resolve("sensor.o").toString()));
        assertEquals(0, Tools.run(cc).exit());
        Path ar = Fixtures.tools().require("llvm-ar");
        Tools.Result a = Tools.run(List.of(ar.toString(), "rcs", vendor.resolve("libsensor.a").toString(),
                vendor.resolve("sensor.o").toString()));
        assertEquals(0, a.exit(), a.output());
        Files.delete(src);
        Path app = tmp.resolve("lib-app");
        file(app, "mote.build", "libs = vendor/libsensor.a");
        file(app, "main.c", "int sensor_read(void);", "int app_main(void) { return sensor_read() - 42; }");
        List<String> fns = functions(build(app, profile, BuildOptions.defaults()));
        assertTrue(fns.contains("sensor_read"), fns.toString());
        assertFalse(fns.contains("sensor_unused"), "only what the app calls is linked");
    }

    @Test
    void warningsAreReportedAndOnlyFatalWithWerror() throws IOException {
        Path app = tmp.resolve("warns");
        file(app, "main.c", "static void cb(void *arg, int unused_too) { }",
                "int app_main(void) { int unused; cb(0, 0); return 0; }");
        build(app, "qemu-virt-arm64", BuildOptions.defaults());
        assertTrue(diag().contains("warning: unused variable 'unused'"), diag());
        assertFalse(diag().contains("unused parameter"), "apps are not told about unused parameters: " + diag());

        MoteException e = assertThrows(MoteException.class, () -> build(app, "qemu-virt-arm64",
                BuildOptions.defaults().withApp(List.of(), List.of(), List.of(), true)));
        assertTrue(e.getMessage().contains("main.c did not compile"), e.getMessage());
        file(app, "mote.build", "werror = true");
        assertThrows(MoteException.class, () -> build(app, "qemu-virt-arm64", BuildOptions.defaults()));
    }

    @Test
    void floatFormattingIsLinkedOnlyWhenAFormatNeedsIt() throws IOException {
        Path plain = tmp.resolve("plain");
        file(plain, "main.c", "#include <stdio.h>", "int app_main(void) { printf(\"%d %s\\n\", 1, \"x\"); return 0; }");
        assertFalse(functions(build(plain, "qemu-virt-arm64", BuildOptions.defaults())).contains("fmt_float"));
        Path fl = tmp.resolve("floaty");
        file(fl, "main.c", "#include <stdio.h>", "static const char use_float[] = \"%f\";",
                "int app_main(void) { puts(use_float); return 0; }");
        assertTrue(functions(build(fl, "qemu-virt-arm64", BuildOptions.defaults())).contains("fmt_float"));
    }
}
