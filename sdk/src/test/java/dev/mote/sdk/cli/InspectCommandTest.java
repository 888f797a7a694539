package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.SigningKey;
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
                "payload_size         19 (", "load_address         0x40100000", "entry_point          0x40100000",
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
}
