package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevKeyTest {
    @TempDir
    Path tmp;

    @Test
    void isOnePerUserNeverInTheAppsRepository() throws IOException {
        Path home = tmp.resolve("home");
        assertEquals(home.resolve(".config/mote/dev-signing.key"), DevKey.location(Map.of(), home));
        // wherever the app lives (its own git repository, a Mote checkout), the same key
        Path gitRepo = Files.createDirectories(tmp.resolve("mine/.git")).getParent();
        assertFalse(DevKey.location(Map.of(), home).startsWith(gitRepo));
        assertEquals(home.resolve(".config/mote/dev-signing.pub"),
                DevKey.publicFile(DevKey.location(Map.of(), home)));
    }

    @Test
    void xdgConfigHomeAndMoteDevKeyMoveIt() {
        Path home = tmp.resolve("home");
        assertEquals(tmp.resolve("cfg/mote/dev-signing.key"),
                DevKey.location(Map.of("XDG_CONFIG_HOME", tmp.resolve("cfg").toString()), home));
        assertEquals(home.resolve(".config/mote/dev-signing.key"),
                DevKey.location(Map.of("XDG_CONFIG_HOME", "relative/ignored"), home), "XDG paths must be absolute");
        Map<String, String> both = Map.of("XDG_CONFIG_HOME", tmp.resolve("cfg").toString(),
                DevKey.ENV, tmp.resolve("ci/team-dev.key").toString());
        assertEquals(tmp.resolve("ci/team-dev.key"), DevKey.location(both, home));
        assertEquals(tmp.resolve("ci/team-dev.pub"), DevKey.publicFile(DevKey.location(both, home)));
    }

    @Test
    void findsAKeyEarlierVersionsLeftInACheckout() throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("old-repo"));
        Path app = Files.createDirectories(repo.resolve("apps/blink"));
        Path before = DevKey.legacyLocation(app);
        assertTrue(before == null || !before.startsWith(repo), String.valueOf(before));
        Files.createDirectories(repo.resolve(".mote"));
        Files.writeString(repo.resolve(".mote/dev-signing.key"), "old");
        assertEquals(repo.resolve(".mote/dev-signing.key"), DevKey.legacyLocation(app));
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
