package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlashinfoCommandTest {
    @TempDir
    Path tmp;

    private CliHarness cli;

    @BeforeEach
    void flash() throws Exception {
        CliHarness.writeImage(tmp, "a.img", SigningKey.generate(), "qemu-virt-arm64", 1);
        cli = new CliHarness(tmp);
        assertEquals(0, cli.run("mkflash", "-p", "qemu-virt-arm64", "--slot-a", "a.img", "-o", "flash.bin"), cli.err());
        cli.reset();
    }

    @Test
    void showsTheBootStateAndEachSlot() {
        assertEquals(0, cli.run("flashinfo", "flash.bin", "-p", "qemu-virt-arm64"), cli.err());
        String out = cli.out();
        assertTrue(out.startsWith(tmp.resolve("flash.bin") + ": 16.0 MiB flash for qemu-virt-arm64\n"), out);
        assertTrue(out.contains("  boot_state 0x0       64.0 KiB no record: the bootloader boots the first good image"
                + " and makes it active\n"), out);
        assertTrue(out.contains("copy 0: empty (all zero); copy 1: empty (all zero)\n"), out);
        assertTrue(out.contains("  slot_b     0x710000  7.0 MiB  empty\n"), out);
        assertEquals(0, cli.reset().run("flashinfo", "flash.bin", "-p", "qemu-virt-arm64", "--json"));
        assertTrue(cli.out().contains("\"name\":\"slot_a\",\"offset\":65536,\"size\":7340032,"), cli.out());
        assertTrue(cli.out().contains("\"image\":{\"app_name\":\"blink\",\"version\":\"1.4.2\""), cli.out());
    }

    @Test
    void errorsExitOneOrTwo() throws Exception {
        assertEquals(2, cli.run("flashinfo", "flash.bin"));
        assertTrue(cli.err().contains("-p/--profile: missing"), cli.err());
        assertEquals(2, cli.reset().run("flashinfo", "-p", "qemu-virt-arm64"));
        assertTrue(cli.err().contains("<flash.bin>: missing"), cli.err());
        Files.write(tmp.resolve("small.bin"), new byte[10]);
        assertEquals(1, cli.reset().run("flashinfo", "small.bin", "-p", "qemu-virt-arm64"));
        assertTrue(cli.err().contains("is 10 bytes, but qemu-virt-arm64's flash is 16777216"), cli.err());
        assertEquals(0, cli.reset().run("flashinfo", "--help"));
    }
}
