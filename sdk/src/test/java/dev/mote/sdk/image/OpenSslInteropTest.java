package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our keys and signatures against the real `openssl` CLI: the copy-paste procedure in
 * docs/image-format.md, run as written, and key files passed both ways.
 */
class OpenSslInteropTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void opensslHasEd25519() throws Exception {
        Path probe = Files.createTempFile("mote-ed25519", ".pem");
        try {
            assumeTrue(run(Path.of("."), Map.of(), "openssl", "genpkey", "-algorithm", "ed25519", "-out",
                    probe.toString()).exit == 0, "needs an openssl with Ed25519 (OpenSSL 3)");
        } catch (IOException e) {
            assumeTrue(false, "needs the openssl command: " + e.getMessage());
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, Map<String, String> env, String... cmd) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    private Result openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(Arrays.asList(args));
        Result r = run(tmp, Map.of("PASS", "open sesame"), cmd.toArray(new String[0]));
        assertEquals(0, r.exit, String.join(" ", cmd) + "\n" + r.output);
        return r;
    }

    /** The ```sh block under "Checking an image with OpenSSL alone" in docs/image-format.md. */
    static String documentedProcedure() throws IOException {
        String doc = Files.readString(Fixtures.repo().resolve("docs/image-format.md"));
        int section = doc.indexOf("## Checking an image with OpenSSL alone");
        assertTrue(section >= 0, "docs/image-format.md lost its OpenSSL section");
        int start = doc.indexOf("```sh\n", section) + "```sh\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    private Result runProcedure(byte[] image, SigningKey key) throws Exception {
        Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(tmp.resolve("keys"));
        Files.write(tmp.resolve("out/hello.img"), image);
        Files.deleteIfExists(tmp.resolve("keys/fleet.pub"));
        Keys.writePublic(tmp.resolve("keys/fleet.pub"), key.publicKey());
        Files.writeString(tmp.resolve("check.sh"), documentedProcedure());
        return run(tmp, Map.of(), "bash", "check.sh");
    }

    @Test
    void theDocumentedProcedureAcceptsAGoodImage() throws Exception {
        SigningKey key = Keys.generate();
        Result r = runProcedure(TestImage.arm().counter(7).sign(key).toBytes(), key);
        assertTrue(r.output.contains("Signature Verified Successfully"), r.output);
        assertTrue(r.output.contains("payload hash OK"), r.output);
        assertTrue(r.output.contains("key id OK"), r.output);
    }

    @Test
    void theDocumentedProcedureCatchesTampering() throws Exception {
        SigningKey key = Keys.generate();
        byte[] header = TestImage.arm().counter(7).sign(key).toBytes();
        header[0x2c] ^= 1; // the security counter
        Result r = runProcedure(header, key);
        assertTrue(r.output.contains("Signature Verification Failure"), r.output);

        byte[] payload = TestImage.arm().counter(7).sign(key).toBytes();
        payload[256 + 10] ^= 1;
        r = runProcedure(payload, key);
        assertTrue(r.output.contains("Signature Verified Successfully"), r.output);
        assertTrue(r.output.contains("hash mismatch: header "), r.output);

        r = runProcedure(TestImage.arm().counter(7).sign(Keys.generate()).toBytes(), key);
        assertTrue(r.output.contains("Signature Verification Failure"), r.output);
        assertTrue(r.output.contains("signed by another key: "), r.output);
    }

    @Test
    void weReadOpenSslKeys() throws Exception {
        openssl("genpkey", "-algorithm", "ed25519", "-out", "o.key");
        openssl("pkey", "-in", "o.key", "-pubout", "-out", "o.pub");
        openssl("genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "env:PASS", "-out", "enc.key");
        openssl("pkey", "-in", "enc.key", "-passin", "env:PASS", "-pubout", "-out", "enc.pub");

        SigningKey plain = Keys.readPrivate(tmp.resolve("o.key"), null);
        assertEquals(Keys.readPublic(tmp.resolve("o.pub")), plain.publicKey());
        SigningKey enc = Keys.readPrivate(tmp.resolve("enc.key"), "open sesame".toCharArray());
        assertEquals(Keys.readPublic(tmp.resolve("enc.pub")), enc.publicKey());

        // A signature OpenSSL makes with its key is one our Verifier accepts.
        Image img = TestImage.arm().counter(7).sign(plain);
        Files.write(tmp.resolve("header.bin"), img.header().serialize());
        openssl("pkeyutl", "-sign", "-inkey", "o.key", "-rawin", "-in", "header.bin", "-out", "sig.bin");
        byte[] sig = Files.readAllBytes(tmp.resolve("sig.bin"));
        Image signedByOpenSsl = new Image(img.header(), img.payload(),
                new SignatureBlock(plain.publicKey().keyId(), sig));
        new Verifier(List.of(Keys.readPublic(tmp.resolve("o.pub")))).verify(signedByOpenSsl.toBytes());
    }

    @Test
    void openSslReadsOurKeys() throws Exception {
        SigningKey key = Keys.generate();
        Keys.writePrivate(tmp.resolve("k.key"), key, null);
        Keys.writePublic(tmp.resolve("k.pub"), key.publicKey());
        Keys.writePrivate(tmp.resolve("enc.key"), key, "open sesame".toCharArray());
        String pub = Files.readString(tmp.resolve("k.pub"));

        assertEquals(pub, openssl("pkey", "-in", "k.key", "-pubout").output);
        assertEquals(pub, openssl("pkey", "-in", "enc.key", "-passin", "env:PASS", "-pubout").output);
        assertTrue(openssl("pkey", "-in", "k.key", "-text", "-noout").output.contains("ED25519 Private-Key"));
        Result wrong = run(tmp, Map.of("PASS", "nope"), "openssl", "pkey", "-in", "enc.key", "-passin", "env:PASS",
                "-noout");
        assertNotEquals(0, wrong.exit, wrong.output);
    }

    @Test
    void anOpenSslRsaKeyIsRefusedByName() throws Exception {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.key");
        MoteException e = assertThrows(MoteException.class,
                () -> Keys.readPrivate(tmp.resolve("rsa.key"), null));
        assertTrue(e.getMessage().endsWith("rsa.key is an RSA key, not Ed25519"), e.getMessage());
    }
}
