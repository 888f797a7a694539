package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.Version;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Argument parsing and exit codes; nothing here starts QEMU or a compiler. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Dispatcher.Parsed parse(String... args) {
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("PATH", System.getenv("PATH")),
                Fixtures.repo(), false);
        return Main.fromArgs(args, ctx);
    }

    private int run(String... args) {
        return parse(args).run();
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpExitsZeroEverywhere() {
        for (List<String> args : List.of(List.of("help"), List.of("--help"), List.of("-h"), List.of("help", "run"),
                List.of("build", "--help"), List.of("run", "--help"), List.of("profiles", "--help"),
                List.of("doctor", "-h"), List.of("keygen", "--help"), List.of("sign", "--help"),
                List.of("verify", "--help"), List.of("inspect", "-h"))) {
            assertEquals(0, run(args.toArray(new String[0])), args.toString());
        }
        assertTrue(out().contains("usage: mote <command>"));
        assertTrue(out().contains("usage: mote run <image.img|app.elf> | --flash FLASH -p <profile>"));
        assertTrue(out().contains("mote build examples/hello -p qemu-virt-arm64 -o out/hello.elf"));
        assertTrue(out().contains("gdb-multiarch -q out/panic.elf"));
        assertTrue(out().contains("usage: mote verify <image.img> --pub <key.pub>"));
        assertTrue(out().contains("mote keygen --out keys/fleet"));
        assertTrue(Main.documented());
    }

    @Test
    void usageErrorsExitTwoAndSayWhatIsWrong() {
        assertEquals(2, run());
        assertTrue(err().startsWith("mote: error: missing command\nhint: run 'mote help'"), err());
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("mote: error: unknown command 'frobnicate'"));
        assertEquals(2, run("build", "examples/hello"));
        assertTrue(err().contains("mote: error: -p/--profile: missing"));
        assertEquals(2, run("build", "-p", "qemu-virt-arm64"));
        assertTrue(err().contains("<app-dir>: missing"));
        assertEquals(2, run("build", "examples/hello", "-p"));
        assertEquals(2, run("build", "examples/hello", "-p", "x", "--bogus"));
        assertTrue(err().contains("Unrecognized option: --bogus"), err());
        assertEquals(2, run("run"));
        assertTrue(err().contains("<image>: missing"));
        assertEquals(2, run("run", "--flash", "flash.bin"));
        assertTrue(err().contains("-p: required with --flash (a flash file does not name its board)"), err());
        assertEquals(2, run("run", "a.img", "--flash", "flash.bin", "-p", "qemu-virt-arm64"));
        assertTrue(err().contains("--flash: give either a flash file or an image, not both"), err());
        assertEquals(2, run("run", "a.elf", "--timeout", "soon"));
        assertTrue(err().contains("--timeout: 'soon' is not a number of seconds"));
        assertEquals(2, run("run", "a.elf", "--mem", "lots"));
        assertTrue(err().contains("--mem: 'lots' is not a size"));
        assertEquals(2, run("run", "a.elf", "--accel", "hvf"));
        assertEquals(2, run("profiles", "extra"));
        assertTrue(err().contains("hint: usage: mote profiles [--json]"));
    }

    @Test
    void runParsesItsOptionsWithoutStartingAnything() {
        RunCommand.Run r = assertInstanceOf(RunCommand.Run.class,
                parse("run", "out/x.elf", "--timeout", "5", "--mem", "64M", "--cpu", "cortex-a72").invocation());
        assertEquals("out/x.elf", r.image());
        assertNull(r.profile());
        assertEquals(Duration.ofSeconds(5), r.options().timeout());
        assertEquals(64L << 20, r.options().memBytes());
        assertEquals("cortex-a72", r.options().cpu());
        assertNull(r.options().gdbPort());
    }

    @Test
    void gdbTakesAnOptionalPortAndDisablesTheDefaultTimeout() {
        RunCommand.Run plain = (RunCommand.Run) parse("run", "x.elf").invocation();
        assertNull(plain.options().timeout(), "firmware that never exits runs until Ctrl-C (or --timeout)");
        RunCommand.Run bare = (RunCommand.Run) parse("run", "--gdb", "x.elf").invocation();
        assertEquals("x.elf", bare.image());
        assertEquals(1234, bare.options().gdbPort());
        assertNull(bare.options().timeout());
        RunCommand.Run port = (RunCommand.Run) parse("run", "x.elf", "--gdb", "4321", "--timeout", "9").invocation();
        assertEquals(4321, port.options().gdbPort());
        assertEquals(Duration.ofSeconds(9), port.options().timeout());
        RunCommand.Run last = (RunCommand.Run) parse("run", "x.elf", "--gdb").invocation();
        assertEquals(1234, last.options().gdbPort());
    }

    @Test
    void buildParsesIncludesFlagsLibrariesAndWerror() {
        BuildCommand.Build b = (BuildCommand.Build) parse("build", "app", "-p", "qemu-virt-arm64", "-I", "inc",
                "-Ithird_party", "--cflags=-O3 -DTRACE=1", "--cflags", "-Wshadow", "--lib", "vendor/libx.a",
                "--werror").invocation();
        assertEquals(List.of(Path.of("inc"), Path.of("third_party")), b.options().includes());
        assertEquals(List.of("-O3", "-DTRACE=1", "-Wshadow"), b.options().cflags());
        assertEquals(List.of(Path.of("vendor/libx.a")), b.options().libs());
        assertTrue(b.options().werror());
        BuildCommand.Build plain = (BuildCommand.Build) parse("build", "app", "-p", "qemu-virt-arm64").invocation();
        assertFalse(plain.options().werror());
        assertEquals(List.of(), plain.options().cflags());
    }

    @Test
    void buildParsesDefinesAndJson() {
        BuildCommand.Build b = (BuildCommand.Build) parse("build", "examples/panic", "-p", "qemu-virt-arm64",
                "-o", "out/p.elf", "-D", "CRASH=4", "--json").invocation();
        assertEquals("examples/panic", b.appDir());
        assertEquals("out/p.elf", b.output());
        assertEquals(List.of("CRASH=4"), b.options().defines());
        assertTrue(b.json());
        assertNull(b.key(), "no --key: the development key");
        assertEquals(Version.ZERO, b.options().version());
        assertEquals(0, b.options().securityCounter());
    }

    @Test
    void buildParsesSigningOptions() {
        BuildCommand.Build b = (BuildCommand.Build) parse("build", "examples/hello", "-p", "qemu-virt-arm64",
                "-o", "out/h.img", "--key", "keys/fleet.key", "--passphrase-env", "PASS", "--version", "1.2.3",
                "--security-counter", "4294967295").invocation();
        assertEquals("keys/fleet.key", b.key());
        assertEquals("PASS", b.passphraseEnv());
        assertEquals(new Version(1, 2, 3), b.options().version());
        assertEquals(4294967295L, b.options().securityCounter());
        assertEquals(2, run("build", "examples/hello", "-p", "x", "--security-counter", "4294967296"));
        assertTrue(err().contains("--security-counter: '4294967296' is not a number 0..4294967295"), err());
        assertEquals(2, run("build", "examples/hello", "-p", "x", "--version", "one"));
        assertTrue(err().contains("--version: 'one' is not a version"), err());
    }

    @Test
    void failuresExitOneWithAHint() {
        assertEquals(2, run("run", "no-such.elf", "-p", "qemu-virt-arm64"));
        assertTrue(err().contains("mote: error: <image>: '"), err());
        assertTrue(err().contains("no-such.elf' does not exist"), err());
        err.reset();
        assertEquals(2, run("run", "--flash", "no-such.bin", "-p", "qemu-virt-arm64"));
        assertTrue(err().contains("no-such.bin' does not exist (make one with mote mkflash)"), err());
        err.reset();
        assertEquals(1, run("run", "pom.xml"));
        assertTrue(err().startsWith("mote: error: run: "), err());
        assertTrue(err().contains("not an ELF file"), err());
    }

    @Test
    void profilesListsEveryBoardWithItsStatus() {
        assertEquals(0, run("profiles"));
        assertTrue(out().matches("(?s)NAME +ARCH +STATUS +DESCRIPTION\n.*"), out());
        assertTrue(out().matches("(?s).*\nrpi4-arm64 +arm64 +built-not-run +Raspberry Pi 4.*"), out());
        out.reset();
        assertEquals(0, run("profiles", "--json"));
        assertTrue(out().startsWith("[{\"name\":\"pc-x86_64\",\"arch\":\"x86_64\",\"status\":\"built-not-run\""),
                out());
        assertFalse(out().contains("\n{"));
    }

    @Test
    void profilesJsonGivesWhatScriptsNeedForTheNamedProfiles() {
        assertEquals(0, run("profiles", "--json", "-p", "qemu-microvm-x86_64", "-p", "qemu-virt-arm64"));
        String json = out();
        assertTrue(json.startsWith("[{\"name\":\"qemu-microvm-x86_64\",\"arch\":\"x86_64\""), json);
        assertTrue(json.contains("\"exit\":\"debug-exit\",\"qemu_ok_status\":3,"), json);
        assertTrue(json.contains("\"exit\":\"semihosting\",\"qemu_ok_status\":0,"), json);
        assertTrue(json.contains("{\"name\":\"slot_a\",\"offset\":65536,\"size\":7340032}"), json);
        assertTrue(json.contains("\"load_address\":\"0x40180000\""), json);
        assertEquals(2, json.split("\"name\":\"qemu-").length - 1, json);
    }
}
