package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.auth.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoConfigTest {
    private static final String LINE = "[A-Za-z0-9_.-]+:\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==";

    @TempDir
    Path dir;

    /** The same PBKDF2 as mosquitto_passwd: recompute its hash from its salt. */
    @Test
    void hashesAsMosquittoPasswdDoes() throws Exception {
        Path tool = Mosquitto.require("mosquitto_passwd");
        Path file = dir.resolve("pw");
        Files.createFile(file);
        Process p = new ProcessBuilder(tool.toString(), "-b", file.toString(), "dev-1", "s3cret-pass").inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_passwd failed");
        String line = Files.readString(file).strip();
        assertTrue(line.matches(LINE), line);
        String[] f = line.split("\\$");
        byte[] salt = Base64.getDecoder().decode(f[3]);
        assertEquals(f[4], Base64.getEncoder().encodeToString(MosquittoConfig.pbkdf2("s3cret-pass", salt, 101)));
        assertTrue(MosquittoConfig.passwordLine("dev-1", "s3cret-pass").matches(LINE));
    }

    @Test
    void writesOwnerOnlyPasswordsForThousandsOfDevicesQuickly() throws Exception {
        Credentials c = new Credentials(new byte[32], "server-password-1");
        List<String> ids = IntStream.range(0, 5000).mapToObj(i -> "dev-" + i).toList();
        long t0 = System.nanoTime();
        Path conf = MosquittoConfig.writeAll(dir, "127.0.0.1", 1884, c, ids);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 10_000, millis + " ms");
        Path pw = dir.resolve(MosquittoConfig.PASSWORDS);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pw)));
        List<String> lines = Files.readAllLines(pw);
        assertEquals(5001, lines.size());
        assertTrue(lines.get(0).startsWith(Credentials.SERVER_USER + ":$7$101$"));
        assertTrue(lines.stream().allMatch(l -> l.matches(LINE)));
        String text = Files.readString(conf);
        assertTrue(text.contains("listener 1884 127.0.0.1\n"), text);
        assertTrue(text.contains("allow_anonymous false\n"), text);
        assertTrue(text.contains("password_file " + pw.toAbsolutePath() + "\n"), text);
        assertTrue(text.contains("acl_file " + dir.resolve(MosquittoConfig.ACL).toAbsolutePath() + "\n"), text);
        assertTrue(text.contains("persistence false\n"), text);
    }

    @Test
    void theAclIsTheProtocolsRules() {
        List<String> rules = MosquittoConfig.acl().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(List.of("user mote-server", "topic readwrite mote/#", "pattern write mote/dev/%u/up/#",
                "pattern read mote/dev/%u/down/#", "pattern deny mote/dev/%u/up"), rules);
    }
}
