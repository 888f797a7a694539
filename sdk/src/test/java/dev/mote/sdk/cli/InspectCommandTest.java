package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path tmp;

    @Test
    void showsEveryFieldAndTheHashCheck() throws Exception {
        SigningKey key = SigningKey.generate();
        Image img = CliHarness.writeImage(tmp, "a.img", key, "qemu-virt-arm64", 5);
        CliHarness cli = new CliHarness(tmp);
        assertEquals(0, cli.run("inspect", "a.img"));
        String out = cli.out();
        for (String line : new String[] {"magic                MOTE", "format_version       1",
                "header_size          256", "arch                 arm64 (1)", "flags                0",
                "payload_size         19 (", "load_address         0x40180000", "entry_point          0x40180000",
                "version              1.4.2", "security_counter     5", "profile              qemu-virt-arm64",
                "app_name             blink", "payload_sha256       " + img.header().payloadSha256Hex(),
                "hash_matches         yes", "key_id               " + key.publicKey().keyIdHex()}) {
            assertTrue(out.contains(line + (line.endsWith("(") ? "" : "\n")), line + " in:\n" + out);
        }

        cli.reset();
        assertEquals(0, cli.run("inspect", "a.img", "--json"));
        assertTrue(cli.out().contains("\"security_counter\":5,"), cli.out());
        assertTrue(cli.out().contains("\"hash_matches\":true,"), cli.out());
        assertTrue(cli.out().contains("\"key_id\":\"" + key.publicKey().keyIdHex() + "\""), cli.out());
    }

    @Test
    void showsAChangedPayloadWithoutRefusingIt() throws Exception {
        CliHarness.writeImage(tmp, "a.img", SigningKey.generate(), "qemu-virt-arm64", 0);
        byte[] bytes = Files.readAllBytes(tmp.resolve("a.img"));
        bytes[260] ^= 1;
        Files.write(tmp.resolve("a.img"), bytes);
        CliHarness cli = new CliHarness(tmp);
        assertEquals(0, cli.run("inspect", "a.img"));
        assertTrue(cli.out().contains("hash_matches         NO"), cli.out());
    }

    @Test
    void aBrokenFileFailsNamingTheCheck() throws Exception {
        CliHarness.writeImage(tmp, "a.img", SigningKey.generate(), "qemu-virt-arm64", 0);
        byte[] bytes = Files.readAllBytes(tmp.resolve("a.img"));
        Files.write(tmp.resolve("cut.img"), Arrays.copyOf(bytes, 300));
        CliHarness cli = new CliHarness(tmp);
        assertEquals(1, cli.run("inspect", "cut.img"));
        assertTrue(cli.err().startsWith("mote: error: inspect: " + tmp.resolve("cut.img") + ": truncated at byte 300"), cli.err());
        assertEquals(2, cli.reset().run("inspect"));
        assertTrue(cli.err().contains("<image.img>: missing"), cli.err());
    }

    @Test
    void anElfShowsWhereItLoadsAndWhatItHolds() throws Exception {
        byte[] text = TestImage.random(100, 1);
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + 100 + 24 + 64 * 3).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        int shoff = 64 + 56 + 100 + 24;
        b.putShort(16, (short) 2).putShort(18, (short) 183).putInt(20, 1).putLong(24, 0x40180000L)
                .putLong(32, 64).putLong(40, shoff).putShort(52, (short) 64).putShort(54, (short) 56)
                .putShort(56, (short) 1).putShort(58, (short) 64).putShort(60, (short) 3).putShort(62, (short) 2);
        b.putInt(64, 1).putInt(68, 5).putLong(72, 120).putLong(80, 0x40180000L).putLong(88, 0x40180000L)
                .putLong(96, 100).putLong(104, 200).putLong(112, 0x1000);
        b.put(120, text);
        b.put(220, "\0.text\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII)); // 17 bytes of names
        b.putInt(shoff + 64, 1).putInt(shoff + 68, 1).putLong(shoff + 72, 6).putLong(shoff + 80, 0x40180000L)
                .putLong(shoff + 88, 120).putLong(shoff + 96, 100);
        b.putInt(shoff + 128, 7).putInt(shoff + 132, 3).putLong(shoff + 152, 220).putLong(shoff + 160, 17);
        Files.write(tmp.resolve("app.elf"), b.array());
        CliHarness cli = new CliHarness(tmp);
        assertEquals(0, cli.run("inspect", "app.elf", "--json"), cli.err());
        String out = cli.out();
        for (String field : new String[] {"\"format\":\"elf\"", "\"arch\":\"arm64\"",
                "\"load_address\":\"0x40180000\"", "\"loadable_size\":100,",
                "\"name\":\".text\",\"address\":\"0x40180000\",\"offset\":120,\"size\":100,\"allocated\":true"}) {
            assertTrue(out.contains(field), field + " in:\n" + out);
        }
        assertEquals(0, cli.reset().run("inspect", "app.elf"));
        assertTrue(cli.out().contains("loadable_size        100\n"), cli.out());
    }
}
