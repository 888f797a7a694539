package dev.mote.ota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.server.OtaServer;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `mote ota ...` client commands against a real server: exit codes, output, --json, errors. */
@Timeout(60)
class OtaCliTest {
    private static final SigningKey KEY = SigningKey.generate();
    @TempDir
    Path dir;
    private OtaServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = OtaServer.start(new OtaServer.Config(dir.resolve("ota-data"), List.of(KEY.publicKey()), "127.0.0.1",
                0, 0, null, FleetConfig.DEFAULTS));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs `mote ota ARGS --server URL` in {@code dir} (so ota-data/admin.token is found by default). */
    private int ota(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server");
        all.add(server.restUri().toString());
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, false);
        return Main.fromArgs(all.toArray(new String[0]), ctx).run();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void uploadListRolloutAndControlIt() throws Exception {
        Path img = dir.resolve("v11.img");
        Files.write(img, TestImage.arm().version("1.1.0").counter(1).randomPayload(4096, 1).sign(KEY).toBytes());
        assertEquals(0, ota("upload", img.toString(), "--json"), err());
        JsonNode up = new ObjectMapper().readTree(out());
        String sha = up.get("sha256").asText();
        assertEquals("1.1.0", up.get("version").asText());

        assertEquals(0, ota("images"), err());
        assertTrue(out().contains(sha.substring(0, 12)) && out().contains("1.1.0"), out());

        assertEquals(0, ota("credentials", "d-1", "d-2", "--group", "lab"), err());
        String[] lines = out().trim().split("\n");
        assertEquals(2, lines.length);
        assertEquals("d-1 " + server.credentials().devicePassword("d-1"), lines[0]);

        assertEquals(0, ota("devices", "--group", "lab"), err());
        assertTrue(out().contains("d-1") && out().contains("2 device(s)"), out());
        assertEquals(0, ota("devices", "d-1", "--set-tags", "beta,floor2"), err());
        assertEquals(0, ota("devices", "--tag", "beta", "--json"), err());
        assertEquals(1, new ObjectMapper().readTree(out()).size());

        assertEquals(0, ota("rollout", "create", "--image", sha.substring(0, 10), "--group", "lab", "--phases",
                "1,100%", "--deadline", "10m", "--json"), err());
        long id = new ObjectMapper().readTree(out()).get("id").asLong();
        assertEquals(0, ota("status", Long.toString(id), "--jobs"), err());
        assertTrue(out().contains("rollout " + id) && out().contains("d-2"), out());
        assertEquals(0, ota("pause", Long.toString(id), "--reason", "lunch"), err());
        assertTrue(out().contains("paused") && out().contains("lunch"), out());
        assertEquals(0, ota("resume", Long.toString(id)), err());
        assertTrue(out().contains("running"), out());
        assertEquals(0, ota("cancel", Long.toString(id)), err());
        assertTrue(out().contains("cancelled"), out());
        assertEquals(1, ota("resume", Long.toString(id)), "a cancelled rollout cannot resume");
        assertTrue(err().startsWith("mote: error: "), err());
    }

    @Test
    void refusalsAndUsageErrors() throws Exception {
        Path bad = dir.resolve("bad.img");
        byte[] b = TestImage.arm().version("1.1.0").counter(1).randomPayload(4096, 1).sign(SigningKey.generate()).toBytes();
        Files.write(bad, b);
        assertEquals(1, ota("upload", bad.toString()));
        assertTrue(err().contains("unknown key"), err());
        assertEquals(1, ota("upload", dir.resolve("missing.img").toString()));
        assertTrue(err().contains("no such file"), err());
        assertEquals(2, ota("rollout", "create", "--group", "lab"));
        assertTrue(err().contains("--image"), err());
        assertEquals(2, ota("rollout", "create", "--image", "abcdef12", "--group", "lab", "--success", "150%"));
        assertEquals(1, ota("rollout", "create", "--image", "abcdef12", "--group", "lab"));
        assertEquals(2, ota("pause", "x"));
        assertEquals(2, ota("frobnicate"));
        assertEquals(1, ota("status", "99"));
        assertTrue(err().contains("99"), err());
        assertEquals(1, ota("images", "--token", "wrong"));
        assertTrue(err().contains("token"), err());
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, false);
        out.reset();
        assertEquals(0, Main.fromArgs(new String[] {"help"}, ctx).run());
        assertTrue(out().contains("rollout") && out().contains("simulate"), out());
        assertTrue(Main.DISPATCHER.documented(), "every option has a description");
    }

    @Test
    void unreachableServerSaysHowToStartIt() {
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, false);
        assertEquals(1, Main.fromArgs(new String[] {"images", "--server", "http://127.0.0.1:1", "--token", "t"}, ctx).run());
        assertTrue(err().contains("cannot reach") && err().contains("mote ota serve"), err());
    }
}
