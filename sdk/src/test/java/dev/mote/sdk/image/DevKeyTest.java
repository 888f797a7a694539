package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevKeyTest {
    @TempDir
    Path tmp;

    @Test
    void livesInTheCheckoutAboveTheApp() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve("device-profiles"));
        Path app = Files.createDirectories(repo.resolve("apps/blink"));
        assertEquals(repo.resolve(".mote/dev-signing.key"), DevKey.location(app, tmp.resolve("home")));

        Path gitRepo = Files.createDirectories(tmp.resolve("mine"));
        Files.createDirectories(gitRepo.resolve(".git"));
        assertEquals(gitRepo.resolve(".mote/dev-signing.key"),
                DevKey.location(Files.createDirectories(gitRepo.resolve("blink")), tmp.resolve("home")));
    }

    @Test
    void fallsBackToTheHomeDirectory() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("loose/app"));
        // tmp itself may sit under a checkout; only assert the fallback when nothing above has one.
        Path found = DevKey.location(app, tmp.resolve("home"));
        assertTrue(found.equals(tmp.resolve("home/.mote/dev-signing.key")) || !found.startsWith(tmp), found.toString());
    }

    @Test
    void isCreatedOnceThenReused() throws IOException {
        Path file = tmp.resolve(".mote/dev-signing.key");
        SigningKey first = DevKey.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first.publicKey(), Keys.readPublic(tmp.resolve(".mote/dev-signing.pub")));
        assertEquals(first.publicKey(), DevKey.loadOrCreate(file).publicKey());
        assertTrue(String.join("\n", DevKey.warning(file, first)).contains("NOT FOR PRODUCTION"));
    }

    @Test
    void concurrentBuildsAgreeOnOneKey() throws Exception {
        Path file = tmp.resolve("race/dev-signing.key");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SigningKey>> keys = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                keys.add(pool.submit(() -> DevKey.loadOrCreate(file)));
            }
            List<VerifyKey> got = new ArrayList<>();
            for (Future<SigningKey> k : keys) {
                got.add(k.get().publicKey());   // every build done before the key on disk is read
            }
            VerifyKey onDisk = Keys.readPrivate(file, null).publicKey();
            for (VerifyKey k : got) {
                assertEquals(onDisk, k);
            }
        } finally {
            pool.shutdown();
        }
        try (var s = Files.list(file.getParent())) {
            assertEquals(2, s.count(), "only the key and its .pub remain");
        }
    }
}
