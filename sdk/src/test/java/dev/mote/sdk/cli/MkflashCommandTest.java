package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MkflashCommandTest {
    @TempDir
    Path tmp;

    private CliHarness cli;

    @BeforeEach
    void images() throws Exception {
        SigningKey key = SigningKey.generate();
        CliHarness.writeImage(tmp, "a.img", key, "qemu-virt-arm64", 1);
        CliHarness.writeImage(tmp, "b.img", key, "qemu-virt-arm64", 2);
        CliHarness.writeImage(tmp, "x86.img", key, "qemu-microvm-x86_64", 2);
        cli = new CliHarness(tmp);
    }

    private BootState parsed(String... args) {
        return assertInstanceOf(MkflashCommand.Mkflash.class, cli.parse(args).invocation()).bootState();
    }

    @Test
    void theBootStateFollowsTheOptions() {
        assertNull(parsed("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "a.img", "-o", "f.bin"));
        assertEquals(BootState.fresh(Slot.A, Slot.B, 0),
                parsed("mkflash", "-p", "x", "--slot-a", "a.img", "--slot-b", "b.img", "--pending", "b", "-o", "f"));
        assertEquals(BootState.fresh(Slot.B, Slot.A, 0),
                parsed("mkflash", "-p", "x", "--slot-a", "a.img", "--slot-b", "b.img", "--pending", "a", "-o", "f"));
        assertEquals(BootState.fresh(Slot.B, Slot.NONE, 4),
                parsed("mkflash", "-p", "x", "--slot-a", "a", "--slot-b", "b", "--active", "b",
                        "--security-counter", "4", "-o", "f"));
        assertEquals(BootState.fresh(Slot.NONE, Slot.B, 0),
                parsed("mkflash", "-p", "x", "--slot-b", "b.img", "--pending", "b", "-o", "f"));
        assertEquals(BootState.fresh(Slot.NONE, Slot.NONE, 9),
                parsed("mkflash", "-p", "x", "--security-counter", "9", "-o", "f"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, cli.run("mkflash", "--slot-a", "a.img", "-o", "f.bin"));
        assertTrue(cli.err().contains("-p/--profile: missing"), cli.err());
        assertEquals(2, cli.reset().run("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "a.img"));
        assertTrue(cli.err().contains("-o/--output: missing"), cli.err());
        assertEquals(2, cli.reset().run("mkflash", "-p", "qemu-virt-arm64", "a.img", "-o", "f.bin"));
        assertTrue(cli.err().contains("unexpected argument(s) [a.img]"), cli.err());
        assertEquals(2, cli.reset().run("mkflash", "-p", "x", "--slot-a", "a.img", "--pending", "b", "-o", "f"));
        assertTrue(cli.err().contains("--pending: slot B has no image (give --slot-b)"), cli.err());
        assertEquals(2, cli.reset().run("mkflash", "-p", "x", "--slot-a", "a.img", "--slot-b", "b.img",
                "--active", "a", "--pending", "a", "-o", "f"));
        assertTrue(cli.err().contains("--pending: slot A is also --active"), cli.err());
        assertEquals(2, cli.reset().run("mkflash", "-p", "x", "--slot-a", "a.img", "--active", "c", "-o", "f"));
        assertTrue(cli.err().contains("--active: 'c' is not a slot (a or b)"), cli.err());
        assertEquals(2, cli.reset().run("mkflash", "-p", "x", "--security-counter", "-3", "-o", "f"));
        assertTrue(cli.err().contains("--security-counter: '-3' is not a number"), cli.err());
        assertFalse(Files.exists(tmp.resolve("f")));
        assertFalse(Files.exists(tmp.resolve("f.bin")));
    }

    @Test
    void writesAFlashFileOfTheProfilesSize() throws Exception {
        assertEquals(0, cli.run("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "a.img", "--slot-b", "b.img",
                "--pending", "b", "--security-counter", "1", "-o", "out/flash.bin"), cli.err());
        Path flash = tmp.resolve("out/flash.bin");
        assertEquals(16L << 20, Files.size(flash));
        String out = cli.out();
        assertTrue(out.startsWith("wrote " + flash + ": 16.0 MiB flash for qemu-virt-arm64\n"), out);
        assertTrue(out.contains("  boot_state 0x0       64.0 KiB seq 1: active A, pending B (TEST on next boot),"
                + " security counter 1\n"), out);
        assertTrue(out.contains("  slot_a     0x10000   7.0 MiB  blink 1.4.2 for qemu-virt-arm64,"
                + " security counter 1,"), out);
        assertTrue(out.contains("  slot_b     0x710000  7.0 MiB  blink 1.4.2 for qemu-virt-arm64,"
                + " security counter 2,"), out);
        assertTrue(out.contains("  persist    0xe10000  1.9 MiB  app data (not read)\n"), out);
        FlashContents c = FlashContents.read(flash, Fixtures.profile("qemu-virt-arm64"));
        assertEquals(BootState.fresh(Slot.A, Slot.B, 1), c.bootState());

        assertEquals(0, cli.reset().run("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "a.img", "-o", "out/flash.bin",
                "--json"), cli.err());
        assertTrue(cli.out().startsWith("{\"file\":\"" + flash + "\",\"profile\":\"qemu-virt-arm64\","
                + "\"flash_size\":16777216,\"boot_state\":null,"), cli.out());
    }

    @Test
    void aWrongProfileImageFailsAndLeavesTheFileAlone() throws Exception {
        Files.writeString(tmp.resolve("flash.bin"), "old");
        assertEquals(1, cli.run("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "a.img", "--slot-b", "x86.img",
                "-o", "flash.bin"));
        assertTrue(cli.err().startsWith("mote: error: slot_b: " + tmp.resolve("x86.img") + ": profile mismatch:"
                + " image is for qemu-microvm-x86_64, device is qemu-virt-arm64\nhint: "), cli.err());
        assertEquals("old", Files.readString(tmp.resolve("flash.bin")));
        assertEquals(1, cli.reset().run("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "nope.img", "-o", "flash.bin"));
        assertTrue(cli.err().contains("mote: error: mkflash: slot_a: '"), cli.err());
    }

    @Test
    void helpHasExamples() {
        assertEquals(0, cli.run("mkflash", "--help"));
        assertTrue(cli.out().contains("usage: mote mkflash -p <profile>"), cli.out());
        assertTrue(cli.out().contains("--pending b -o out/flash.bin"), cli.out());
        assertTrue(Main.documented());
    }
}
