package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.HeaderVectors;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    @TempDir
    Path tmp;

    private final SigningKey fleet = SigningKey.generate();
    private final SigningKey old = SigningKey.generate();
    private CliHarness cli;

    @BeforeEach
    void keysAndImage() throws Exception {
        Keys.writePublic(tmp.resolve("fleet.pub"), fleet.publicKey());
        Keys.writePublic(tmp.resolve("old.pub"), old.publicKey());
        CliHarness.writeImage(tmp, "a.img", fleet, "qemu-virt-arm64", 3);
        cli = new CliHarness(tmp);
    }

    @Test
    void parsesRepeatedKeysAndPolicy() {
        VerifyCommand.Verify v = assertInstanceOf(VerifyCommand.Verify.class, cli.parse("verify", "a.img",
                "--pub", "old.pub", "--pub", "fleet.pub", "-p", "qemu-virt-arm64", "--min-security-counter", "2")
                .invocation());
        assertEquals(List.of("old.pub", "fleet.pub"), v.pubs());
        assertEquals("qemu-virt-arm64", v.profile());
        assertEquals(2, v.minSecurityCounter());
        assertEquals(2, cli.run("verify", "a.img"));
        assertTrue(cli.err().contains("--pub: missing"), cli.err());
        assertEquals(2, cli.reset().run("verify", "a.img", "--pub", "x", "--min-security-counter", "-1"));
        assertTrue(cli.err().contains("--min-security-counter: '-1' is not a number"), cli.err());
    }

    @Test
    void aGoodImageExitsZero() {
        assertEquals(0, cli.run("verify", "a.img", "--pub", "old.pub", "--pub", "fleet.pub", "-p", "qemu-virt-arm64",
                "--min-security-counter", "3"));
        assertEquals("OK " + tmp.resolve("a.img") + ": blink 1.4.2 for qemu-virt-arm64, security counter 3, signed by "
                + fleet.publicKey().shortId() + " (fleet.pub)\n", cli.out());
        assertEquals(0, cli.reset().run("verify", "a.img", "--pub", "fleet.pub", "--json"));
        assertTrue(cli.out().startsWith("{\"image\":\"" + tmp.resolve("a.img") + "\",\"ok\":true,"), cli.out());
    }

    @Test
    void eachRefusalExitsOneNamingTheCheck() throws Exception {
        assertEquals(1, cli.run("verify", "a.img", "--pub", "old.pub"));
        assertTrue(cli.err().startsWith("mote: error: verify failed: " + tmp.resolve("a.img") + ": unknown key id "
                + fleet.publicKey().keyIdHex()), cli.err());
        assertEquals(1, cli.reset().run("verify", "a.img", "--pub", "fleet.pub", "-p", "qemu-microvm-x86_64"));
        assertTrue(cli.err().contains("profile mismatch: image is for qemu-virt-arm64, device is qemu-microvm-x86_64"));
        assertEquals(1, cli.reset().run("verify", "a.img", "--pub", "fleet.pub", "--min-security-counter", "4"));
        assertTrue(cli.err().contains("downgrade: security counter 3 < 4"), cli.err());

        byte[] bytes = Files.readAllBytes(tmp.resolve("a.img"));
        bytes[0x24] ^= 1;
        Files.write(tmp.resolve("b.img"), bytes);
        assertEquals(1, cli.reset().run("verify", "b.img", "--pub", "fleet.pub", "--json"));
        assertTrue(cli.err().startsWith("mote: error: verify failed: " + tmp.resolve("b.img") + ": bad signature\nhint: "), cli.err());
        assertTrue(cli.out().contains("\"reason\":\"bad_signature\""), cli.out());
    }

    /**
     * Signed images with hostile but well-formed headers (kernel/test/vectors/image-headers.txt):
     * each is refused with the bootloader's words, with -p and with the image's own profile.
     */
    @Test
    void hostileHeadersAreRefusedLikeTheBootloaderRefusesThem() throws Exception {
        Keys.writePublic(tmp.resolve("suite.pub"), TestKeys.KEY.publicKey());
        int n = 0;
        for (HeaderVectors.Vector v : HeaderVectors.refusedFiles()) {
            v.image().write(tmp.resolve(v.name() + ".img"));
            for (String[] args : new String[][] {{"verify", v.name() + ".img", "--pub", "suite.pub"},
                {"verify", v.name() + ".img", "--pub", "suite.pub", "-p", "qemu-virt-arm64"}}) {
                assertEquals(1, cli.reset().run(args), v.name() + ": " + cli.out() + cli.err());
                assertTrue(cli.err().startsWith("mote: error: verify failed: " + tmp.resolve(v.name() + ".img") + ": "),
                        cli.err());
                assertTrue(cli.err().contains(v.expect()), v.name() + ": " + cli.err());
                assertEquals(2, cli.err().split("\n").length, "one line and a hint: " + cli.err());
            }
            n++;
        }
        assertTrue(n >= 20, "hostile images: " + n);
    }

    /**
     * Huge files are refused from their header and size alone, in one line, without being read:
     * a 2.5 GiB file used to end in an OutOfMemoryError stack trace, a 1.5 GB one was read whole
     * before it was refused.
     */
    @Test
    void aHugeFileIsRefusedFromItsHeaderWithoutReadingIt() throws Exception {
        byte[] good = Files.readAllBytes(tmp.resolve("a.img"));
        long[] sizes = {2_684_354_560L, 1_500_000_000L};
        for (long size : sizes) {
            Path big = tmp.resolve("big-" + size + ".img");
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
                f.write(good);          // a real image's header and all, then a sparse tail
                f.setLength(size);
            }
            long t0 = System.nanoTime();
            assertEquals(1, cli.reset().run("verify", big.getFileName().toString(), "--pub", "fleet.pub"));
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "read whole? " + (System.nanoTime() - t0) / 1e9 + " s");
            assertTrue(cli.err().startsWith("mote: error: verify failed: " + big + ": trailing bytes: "
                    + (size - good.length) + " after the signature block"), cli.err());
            assertEquals(2, cli.err().split("\\n").length, "one line and a hint: " + cli.err());
        }
        // a header that claims a 4 GiB payload, and a file that long: too large for any board
        byte[] h = good.clone();
        h[0x0c] = (byte) 0xff;
        h[0x0d] = (byte) 0xff;
        h[0x0e] = (byte) 0xff;
        h[0x0f] = (byte) 0xff;
        Path huge = tmp.resolve("huge.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.write(h, 0, 256);
            f.setLength(256 + 0xffffffffL + 104);
        }
        assertEquals(1, cli.reset().run("verify", "huge.img", "--pub", "fleet.pub"));
        assertTrue(cli.err().startsWith("mote: error: verify failed: " + huge + ": image too big: "), cli.err());
        assertEquals(2, cli.err().split("\\n").length, cli.err());
        assertEquals(1, cli.reset().run("inspect", "huge.img"));
        assertTrue(cli.err().contains("image too big"), cli.err());
    }

    @Test
    void aPrivateKeyIsNotAcceptedAsAPublicOne() throws Exception {
        Keys.writePrivate(tmp.resolve("fleet.key"), fleet, null);
        assertEquals(1, cli.run("verify", "a.img", "--pub", "fleet.key"));
        assertTrue(cli.err().contains("fleet.key is not a public key (it is a private key"), cli.err());
    }
}
