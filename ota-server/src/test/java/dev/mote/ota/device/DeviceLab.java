package dev.mote.ota.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.fleet.Records;
import dev.mote.ota.provision.Provision;
import dev.mote.ota.rest.OtaClient;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the device end-to-end tests share: a fleet key (and a rogue one), examples/telemetry built
 * and signed for both boards, a real `mote ota serve` process (embedded broker and SQLite; killed
 * with SIGKILL and started again on the same data when a test says so), and QEMU devices with
 * their own flash files, provisioned by {@link Provision} exactly as `mote ota provision` does.
 */
final class DeviceLab implements AutoCloseable {
    static final String ARM = "qemu-virt-arm64";
    static final String X86 = "qemu-microvm-x86_64";

    final Path dir;
    final SigningKey fleet = Keys.generate();
    final SigningKey rogue = Keys.generate();
    final Path fleetPub;
    final Path roguePub;
    final Path data;
    int mqttPort;             /* where devices find the broker: the embedded one's, or Mosquitto's */
    final int httpPort;
    private String externalBroker;
    final List<QemuDevice> devices = new ArrayList<>();
    private Process server;
    private int serverStarts;
    OtaClient api;

    DeviceLab(Path dir) throws IOException {
        this.dir = dir;
        this.data = dir.resolve("ota-data");
        this.fleetPub = dir.resolve("fleet.pub");
        this.roguePub = dir.resolve("rogue.pub");
        Keys.writePublic(fleetPub, fleet.publicKey());
        Keys.writePublic(roguePub, rogue.publicKey());
        this.mqttPort = freePort();
        this.httpPort = freePort();
    }

    /** examples/telemetry for {@code profile}, signed with {@code key}; -D {@code defines}. */
    Path telemetry(String profile, String version, long counter, SigningKey key, String... defines) throws IOException {
        String tag = (defines.length == 0 ? "" : "-" + String.join("-", defines)).replaceAll("[^A-Za-z0-9.-]", "_");
        Path out = dir.resolve("images").resolve("telemetry-" + version + tag + "-" + profile + ".img");
        if (Files.isRegularFile(out)) {
            return out;
        }
        Files.createDirectories(out.getParent());
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        BuildOptions o = new BuildOptions(List.of(defines), 0, false, key, Version.parse("version", version), counter);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(diag, true, StandardCharsets.UTF_8))
                .build(Fixtures.example("telemetry"), Fixtures.profile(profile), out, o);
        return out;
    }

    /** Devices and the server use this broker (Mosquitto on 127.0.0.1:port) instead of the embedded one. */
    void useBroker(int port) {
        mqttPort = port;
        externalBroker = "tcp://127.0.0.1:" + port;
    }

    /** `mote ota serve` on this lab's data directory, trusting the fleet key (and the rogue one: see the test). */
    void startServer() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.mote.ota.cli.Main", "serve", "--data",
                data.toString(), "--trust", fleetPub.toString(), "--trust", roguePub.toString(),
                "--http-port", Integer.toString(httpPort)));
        cmd.addAll(externalBroker == null ? List.of("--mqtt-port", Integer.toString(mqttPort))
                : List.of("--broker", externalBroker));
        Path log = dir.resolve("serve-" + ++serverStarts + ".log");
        server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Process p = server;
        Await.await(() -> {
            assertTrue(p.isAlive(), "mote ota serve exited: " + Files.readString(log));
            Path token = data.resolve("admin.token");
            if (!Files.exists(token)) {
                return false;
            }
            api = new OtaClient(URI.create("http://127.0.0.1:" + httpPort + "/"), Files.readString(token).trim());
            try {
                api.get("api/health");
                return true;
            } catch (IOException | RuntimeException notYet) {
                return false;
            }
        }, Duration.ofSeconds(60), "mote ota serve on port " + httpPort);
    }

    /** SIGKILL the server: no shutdown hook, no clean close of the database or the broker. */
    void killServer() throws Exception {
        server.destroyForcibly();
        assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server did not die");
    }

    String serverLog() throws IOException {
        return Files.readString(dir.resolve("serve-" + serverStarts + ".log"));
    }

    /**
     * A device with {@code v1} in slot A (a factory-fresh flash, as `mote mkflash --slot-a`
     * writes it), provisioned into {@code group} with {@code tags}; not switched on yet.
     */
    QemuDevice device(String id, String profile, Path v1, String group, List<String> tags, int maxChunk)
            throws IOException {
        return device(id, profile, v1, group, tags, maxChunk, false);
    }

    /** As above; {@code shell}: its identity enables the remote shell (`mote ota provision --shell`). */
    QemuDevice device(String id, String profile, Path v1, String group, List<String> tags, int maxChunk,
            boolean shell) throws IOException {
        Profile p = Fixtures.profile(profile);
        Path flash = dir.resolve(id + ".flash");
        FlashImage.forProfile(p).withImage(Slot.A, v1).write(flash);
        Provision.run(api, new Provision.Request(id, flash, p, null, shell, maxChunk, group, tags));
        QemuDevice d = new QemuDevice(id, p, flash, List.of(fleet.publicKey()), mqttPort);
        devices.add(d);
        return d;
    }

    String upload(Path image) throws IOException {
        return api.postBytes("api/images", Files.readAllBytes(image)).get("sha256").asText();
    }

    long rollout(String sha, String group, String tag, List<String> phases, double failure) throws IOException {
        Records.RolloutSpec spec = new Records.RolloutSpec("e2e", sha, group, tag, phases, 10, 600, 0.95, failure);
        return api.post("api/rollouts", spec).get("id").asLong();
    }

    JsonNode rollout(long id) throws IOException {
        return api.get("api/rollouts/" + id);
    }

    /** Polls the rollout until {@code done}; the last reply either way. */
    JsonNode awaitRollout(long id, Predicate<JsonNode> done, Duration timeout) throws Exception {
        return Await.poll(() -> rollout(id), done, timeout);
    }

    /** The job of {@code device} in rollout {@code id}, or null. */
    JsonNode job(long id, String device) throws IOException {
        for (JsonNode j : api.get("api/rollouts/" + id + "/jobs")) {
            if (j.get("device").asText().equals(device)) {
                return j;
            }
        }
        return null;
    }

    static int count(JsonNode rollout, String state) {
        JsonNode c = rollout.get("counts").get(state);
        return c == null ? 0 : c.asInt();
    }

    /** Bytes the server has published so far (chunks and control messages), from GET /api/stats. */
    long bytesOut() throws IOException {
        return api.get("api/stats").get("bytesOut").asLong();
    }

    /** Every device's console tail and the server log, for a failure message. */
    String report() {
        StringBuilder sb = new StringBuilder();
        for (QemuDevice d : devices) {
            sb.append("\n--- ").append(d.id).append(" (").append(d.boots()).append(" boots):\n").append(d.tail());
        }
        try {
            String log = serverLog();
            sb.append("\n--- server log (tail):\n").append(log.length() > 4000 ? log.substring(log.length() - 4000) : log);
        } catch (IOException e) {
            sb.append("\n(no server log: ").append(e).append(')');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        devices.forEach(QemuDevice::close);
        if (server != null) {
            server.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
