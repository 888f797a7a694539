package dev.mote.ota.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theSecretsAreMadeOnceOwnerOnlyAndKept() throws Exception {
        Credentials first = Credentials.load(dir.resolve("data"));
        for (String f : new String[] {Credentials.SECRET_FILE, Credentials.SERVER_PASSWORD_FILE}) {
            Path p = dir.resolve("data").resolve(f);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), f);
        }
        Credentials again = Credentials.load(dir.resolve("data"));
        assertEquals(first.devicePassword("dev-1"), again.devicePassword("dev-1"));
        assertEquals(first.serverPassword(), again.serverPassword());
        assertNotEquals(first.devicePassword("dev-1"), Credentials.load(dir.resolve("other")).devicePassword("dev-1"));
    }

    @Test
    void aDevicePasswordIsTheHmacOfItsIdInHex() throws Exception {
        byte[] secret = new byte[32];
        secret[0] = 7;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(ascii("mote-ota-device:dev-1")));
        assertEquals(expected, new Credentials(secret, "0123456789abcdef").devicePassword("dev-1"));
    }

    @Test
    void checksAcceptExactlyTheRightPassword() {
        Credentials c = new Credentials(new byte[32], "server-password-1");
        assertTrue(c.checkDevice("dev-1", ascii(c.devicePassword("dev-1"))));
        assertTrue(c.check("dev-1", ascii(c.devicePassword("dev-1"))));
        assertFalse(c.checkDevice("dev-1", ascii(c.devicePassword("dev-2"))));
        assertFalse(c.checkDevice("dev-1", ascii(c.devicePassword("dev-1").toUpperCase())));
        assertFalse(c.checkDevice("dev-1", null));
        assertFalse(c.checkDevice("bad/id", ascii("x")));
        assertTrue(c.checkServer(ascii("server-password-1")));
        assertTrue(c.check(Credentials.SERVER_USER, ascii("server-password-1")));
        assertFalse(c.check(Credentials.SERVER_USER, ascii(c.devicePassword("dev-1"))));
        assertFalse(c.checkServer(ascii("server-password-2")));
    }

    @Test
    void theServersNameIsNoDeviceId() {
        Credentials c = new Credentials(new byte[32], "server-password-1");
        assertThrows(IllegalArgumentException.class, () -> c.devicePassword(Credentials.SERVER_USER));
        assertThrows(IllegalArgumentException.class, () -> c.devicePassword("a/b"));
        assertFalse(c.checkDevice(Credentials.SERVER_USER, ascii("server-password-1")));
    }

    @Test
    void aBlockedDeviceIsRefusedUntilUnblocked() {
        Credentials c = new Credentials(new byte[32], "server-password-1");
        byte[] pw = ascii(c.devicePassword("dev-1"));
        c.setBlocked(id -> id.equals("dev-1"));
        assertFalse(c.checkDevice("dev-1", pw));
        assertTrue(c.checkDevice("dev-2", ascii(c.devicePassword("dev-2"))));
        c.setBlocked(null);
        assertTrue(c.checkDevice("dev-1", pw));
    }

    @Test
    void aDamagedSecretFileIsAnIoExceptionNamingIt() throws Exception {
        Files.writeString(dir.resolve(Credentials.SECRET_FILE), "not hex\n");
        IOException e = assertThrows(IOException.class, () -> Credentials.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(Credentials.SECRET_FILE) + ": expected"), e.getMessage());
    }
}
