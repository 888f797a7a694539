package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mote sign` on images (re-signing) and on an ELF from a real `mote build` (clang + lld, no QEMU). */
class SignCommandTest {
    @TempDir
    Path tmp;

    private final SigningKey dev = SigningKey.generate();
    private final SigningKey fleet = SigningKey.generate();
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        Keys.writePrivate(tmp.resolve("fleet.key"), fleet, "pw".toCharArray());
        CliHarness.writeImage(tmp, "a.img", dev, "qemu-virt-arm64", 1);
        cli = new CliHarness(tmp).env("FLEET_PASS", "pw");
    }

    @Test
    void parsesItsOptions() {
        SignCommand.Sign s = assertInstanceOf(SignCommand.Sign.class, cli.parse("sign", "a.img", "--key", "k",
                "-o", "b.img", "--version", "2.0.0", "--security-counter", "9").invocation());
        assertEquals("a.img", s.input());
        assertEquals("b.img", s.output());
        assertEquals(new Version(2, 0, 0), s.version());
        assertEquals(9L, s.securityCounter());
        assertNull(s.profile());
        assertEquals(2, cli.run("sign", "a.img"));
        assertTrue(cli.err().contains("--key: missing"), cli.err());
        assertEquals(2, cli.reset().run("sign", "a.img", "--key", "k", "--version", "2"));
        assertTrue(cli.err().contains("--version: '2' is not a version"), cli.err());
    }

    @Test
    void reSignsAnImageInPlaceKeepingItsPayload() throws Exception {
        Image before = Image.read(tmp.resolve("a.img"));
        assertEquals(0, cli.run("sign", "a.img", "--key", "fleet.key", "--passphrase-env", "FLEET_PASS"));
        Image after = Image.read(tmp.resolve("a.img"));
        assertEquals(before.header(), after.header());
        assertArrayEquals(before.payload(), after.payload());
        new Verifier(List.of(fleet.publicKey())).verify(after);
        assertTrue(cli.out().startsWith("signed " + tmp.resolve("a.img") + ": blink 1.4.2 for qemu-virt-arm64, security counter 1, key "
                + fleet.publicKey().shortId()), cli.out());
    }

    @Test
    void reSigningCanRaiseVersionAndCounterIntoANewFile() throws Exception {
        assertEquals(0, cli.run("sign", "a.img", "--key", "fleet.key", "--passphrase-env", "FLEET_PASS", "-o",
                "out/b.img", "--version", "1.5.0", "--security-counter", "2"));
        Image b = Image.read(tmp.resolve("out/b.img"));
        assertEquals(new Version(1, 5, 0), b.header().version());
        assertEquals(2, b.header().securityCounter());
        new Verifier(List.of(fleet.publicKey())).minSecurityCounter(2).verify(b);
        assertEquals(1, Image.read(tmp.resolve("a.img")).header().securityCounter(), "input untouched");
    }

    @Test
    void refusesToSignWhatIsBroken() throws Exception {
        byte[] bytes = Files.readAllBytes(tmp.resolve("a.img"));
        bytes[256] ^= 1;
        Files.write(tmp.resolve("bad.img"), bytes);
        assertEquals(1, cli.run("sign", "bad.img", "--key", "fleet.key", "--passphrase-env", "FLEET_PASS"));
        assertTrue(cli.err().contains("bad.img: hash mismatch"), cli.err());
        assertEquals(1, cli.reset().run("sign", "a.img", "--key", "fleet.key"));
        assertTrue(cli.err().contains("fleet.key is encrypted and no passphrase was given"), cli.err());
        assertEquals(1, cli.reset().run("sign", "a.img", "--key", "fleet.key", "--passphrase-env", "PATH"));
        assertTrue(cli.err().contains("wrong passphrase"), cli.err());
        assertEquals(2, cli.reset().run("sign", "a.img", "--key", "fleet.key", "--passphrase-env", "FLEET_PASS",
                "-p", "qemu-microvm-x86_64"));
        assertTrue(cli.err().contains("-p: an existing image keeps its profile"), cli.err());
        Files.writeString(tmp.resolve("notes.txt"), "hello");
        assertEquals(1, cli.reset().run("sign", "notes.txt", "--key", "fleet.key", "--passphrase-env", "FLEET_PASS"));
        assertTrue(cli.err().contains("not an ELF file"), cli.err());
    }

    @Test
    void makesTheSameImageFromAnElfThatBuildMakes() throws Exception {
        String app = Fixtures.example("hello").toString();
        assertEquals(0, cli.run("build", app, "-p", "qemu-virt-arm64", "-o", "out/hello.img", "--key", "fleet.key",
                "--passphrase-env", "FLEET_PASS", "--version", "3.1.4", "--security-counter", "6"), cli.err());
        assertTrue(cli.out().startsWith("built " + tmp.resolve("out/hello.elf") + " + " + tmp.resolve("out/hello.img") + " (3.1.4, counter 6, key "
                + fleet.publicKey().shortId() + ") for qemu-virt-arm64"), cli.out());
        assertTrue(!cli.err().contains("WARNING"), "no development-key warning with --key: " + cli.err());
        Image built = Image.read(tmp.resolve("out/hello.img"));
        new Verifier(List.of(fleet.publicKey())).expectProfile("qemu-virt-arm64").verify(built);

        Keys.writePrivate(tmp.resolve("other.key"), dev, null);
        assertEquals(0, cli.reset().run("sign", "out/hello.elf", "--key", "other.key", "--version", "3.1.4",
                "--security-counter", "6", "-o", "again.img"), cli.err());
        Image signed = Image.read(tmp.resolve("again.img"));
        assertEquals(built.header(), signed.header());
        assertArrayEquals(built.payload(), signed.payload());
        new Verifier(List.of(dev.publicKey())).verify(signed);

        assertEquals(0, cli.reset().run("sign", "out/hello.elf", "--key", "other.key"), cli.err());
        assertEquals(Version.ZERO, Image.read(tmp.resolve("out/hello.img")).header().version(),
                "x.elf is signed into x.img by default");
        assertEquals(1, cli.reset().run("sign", "out/hello.elf", "--key", "other.key", "-p", "qemu-microvm-x86_64"));
        assertTrue(cli.err().contains("was built for qemu-virt-arm64, not qemu-microvm-x86_64"), cli.err());
    }
}
