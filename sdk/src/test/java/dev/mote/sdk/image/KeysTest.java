package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    @TempDir
    Path tmp;

    @Test
    void plainKeysRoundTripThroughPemFiles() throws IOException {
        SigningKey key = Keys.generate();
        Keys.writePrivate(tmp.resolve("k.key"), key, null);
        Keys.writePublic(tmp.resolve("k.pub"), key.publicKey());
        String pem = Files.readString(tmp.resolve("k.key"));
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
        assertTrue(Files.readString(tmp.resolve("k.pub")).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("k.key"))));

        SigningKey back = Keys.readPrivate(tmp.resolve("k.key"), null);
        assertEquals(key.publicKey(), back.publicKey());
        assertEquals(key.publicKey(), Keys.readPublic(tmp.resolve("k.pub")));
        byte[] msg = "header".getBytes();
        assertArrayEquals(key.sign(msg), back.sign(msg), "Ed25519 is deterministic: same key, same signature");
    }

    @Test
    void keyIdIsTheSha256OfTheRawPublicKey() {
        // RFC 8032 test vector 1: secret key 9d61..., public key d75a...
        SigningKey key = SigningKey.fromSeed(HexFormat.of().parseHex(
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        byte[] raw = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertArrayEquals(raw, key.publicKey().raw());
        assertArrayEquals(VerifyKey.sha256(raw), key.publicKey().keyId());
        assertEquals(64, key.publicKey().keyIdHex().length());
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
                + "d25bf5f0595bbe24655141438e7a100b", HexFormat.of().formatHex(key.sign(new byte[0])));
    }

    @Test
    void encryptedKeysNeedTheirPassphrase() throws IOException {
        SigningKey key = Keys.generate();
        Path file = tmp.resolve("enc.key");
        Keys.writePrivate(file, key, "correct horse".toCharArray());
        String pem = Files.readString(file);
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), pem);

        assertEquals(key.publicKey(), Keys.readPrivate(file, "correct horse".toCharArray()).publicKey());
        MoteException wrong = assertThrows(MoteException.class,
                () -> Keys.readPrivate(file, "battery staple".toCharArray()));
        assertEquals("cannot decrypt " + file + ": wrong passphrase (or an unsupported cipher)", wrong.getMessage());
        MoteException none = assertThrows(MoteException.class, () -> Keys.readPrivate(file, null));
        assertEquals(file + " is encrypted and no passphrase was given", none.getMessage());
        assertTrue(none.hint().contains("--passphrase-env"));
    }

    @Test
    void theWrongKindOfFileIsNamed() throws IOException {
        SigningKey key = Keys.generate();
        Keys.writePrivate(tmp.resolve("k.key"), key, null);
        Keys.writePublic(tmp.resolve("k.pub"), key.publicKey());
        MoteException pubAsPrivate = assertThrows(MoteException.class,
                () -> Keys.readPrivate(tmp.resolve("k.pub"), null));
        assertTrue(pubAsPrivate.getMessage().endsWith("k.pub is a public key, not a private key"));
        MoteException privAsPub = assertThrows(MoteException.class, () -> Keys.readPublic(tmp.resolve("k.key")));
        assertTrue(privAsPub.getMessage().contains("is not a public key (it is a private key"));
        Files.writeString(tmp.resolve("junk"), "hello\n");
        MoteException junk = assertThrows(MoteException.class, () -> Keys.readPublic(tmp.resolve("junk")));
        assertTrue(junk.getMessage().endsWith("junk holds no PEM key (no -----BEGIN ... KEY----- line)"));
        IOException missing = assertThrows(IOException.class, () -> Keys.readPublic(tmp.resolve("nope.pub")));
        assertTrue(missing.getMessage().endsWith("nope.pub' does not exist"));
    }

    @Test
    void writingNeverOverwrites() throws IOException {
        Keys.writePublic(tmp.resolve("k.pub"), Keys.generate().publicKey());
        assertThrows(FileAlreadyExistsException.class,
                () -> Keys.writePublic(tmp.resolve("k.pub"), Keys.generate().publicKey()));
        assertThrows(IllegalArgumentException.class, () -> Keys.privatePem(Keys.generate(), new char[0]));
    }
}
