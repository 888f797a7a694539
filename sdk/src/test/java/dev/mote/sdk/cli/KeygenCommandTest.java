package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
    @TempDir
    Path tmp;

    @Test
    void parsesItsOptions() {
        CliHarness cli = new CliHarness(tmp);
        KeygenCommand.Keygen k = assertInstanceOf(KeygenCommand.Keygen.class,
                cli.parse("keygen", "--out", "keys/fleet.key", "--passphrase-env", "PASS", "--force").invocation());
        assertEquals("keys/fleet", k.prefix());
        assertEquals("PASS", k.passphraseEnv());
        assertTrue(k.force());
        assertEquals(2, cli.run("keygen"));
        assertTrue(cli.err().contains("mote: error: --out: missing"), cli.err());
        assertEquals(2, cli.run("keygen", "extra", "--out", "k"));
    }

    @Test
    void writesAKeyPairAndRefusesToOverwriteIt() throws IOException {
        CliHarness cli = new CliHarness(tmp);
        assertEquals(0, cli.run("keygen", "--out", "keys/fleet"));
        Path key = tmp.resolve("keys/fleet.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String id = Keys.readPublic(tmp.resolve("keys/fleet.pub")).keyIdHex();
        assertEquals(id, Keys.readPrivate(key, null).publicKey().keyIdHex());
        assertTrue(cli.out().contains("key id " + id), cli.out());

        String before = Files.readString(key);
        assertEquals(1, cli.reset().run("keygen", "--out", "keys/fleet"));
        assertTrue(cli.err().contains("keys/fleet.key already exists"), cli.err());
        assertEquals(before, Files.readString(key));
        assertEquals(0, cli.reset().run("keygen", "--out", "keys/fleet", "--force", "--json"));
        assertNotEquals(before, Files.readString(key));
        assertTrue(cli.out().startsWith("{\"private_key\":"), cli.out());
    }

    @Test
    void encryptsWithThePassphraseFromTheEnvironment() throws IOException {
        CliHarness cli = new CliHarness(tmp).env("PASS", "s3cret");
        assertEquals(0, cli.run("keygen", "--out", "k", "--passphrase-env", "PASS"));
        assertTrue(Files.readString(tmp.resolve("k.key")).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertEquals(Keys.readPublic(tmp.resolve("k.pub")),
                Keys.readPrivate(tmp.resolve("k.key"), "s3cret".toCharArray()).publicKey());
        assertEquals(2, cli.reset().run("keygen", "--out", "k2", "--passphrase-env", "UNSET_VAR"));
        assertTrue(cli.err().contains("--passphrase-env: environment variable UNSET_VAR is not set"), cli.err());
    }
}
