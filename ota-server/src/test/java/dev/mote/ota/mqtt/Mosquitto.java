package dev.mote.ota.mqtt;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mote.ota.auth.Credentials;
import dev.mote.sdk.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto (Debian's mosquitto package) on a free port of 127.0.0.1, configured by
 * {@link MosquittoConfig}, for tests. Absent binary: the test is skipped on a developer machine,
 * and fails in CI (CI=true), where scripts/setup.sh installs it.
 */
public final class Mosquitto implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final BrokerUrl url;

    private Mosquitto(Process process, Path log, BrokerUrl url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** A program of the mosquitto package, or null (Debian puts mosquitto in /usr/sbin, outside a normal user's PATH). */
    static Path binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/sbin", "/usr/local/sbin"))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable)
                .findFirst().orElse(null);
    }

    /**
     * The program (mosquitto, mosquitto_passwd); skips the calling test when it is not installed,
     * except in CI, where that is a failure.
     */
    public static Path require(String name) {
        Path bin = binary(name);
        if (bin == null && "true".equals(System.getenv("CI"))) {
            fail(name + " is not installed, and CI=true: scripts/setup.sh installs it (apt-get install mosquitto)");
        }
        Assumptions.assumeTrue(bin != null, name + " is not installed (apt-get install mosquitto): skipped");
        return bin;
    }

    public static Path requireBinary() {
        return require("mosquitto");
    }

    /** Starts Mosquitto in {@code dir} with accounts for the server and {@code devices}. */
    public static Mosquitto start(Path dir, Credentials creds, Collection<String> devices) throws Exception {
        return start(dir, creds, devices, java.util.List.of());
    }

    /** {@link #start}, with accounts for server {@code instances} too (mote-server-NAME). */
    public static Mosquitto start(Path dir, Credentials creds, Collection<String> devices,
                                  java.util.List<String> instances) throws Exception {
        Path bin = requireBinary();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = MosquittoConfig.writeAll(dir, "127.0.0.1", port, creds, devices, instances);
        Path log = dir.resolve("mosquitto.log");
        Process p = new ProcessBuilder(bin.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Mosquitto m = new Mosquitto(p, log, new BrokerUrl("127.0.0.1", port));
        boolean up = Await.until(() -> {
            if (!p.isAlive()) {
                fail("mosquitto exited with " + p.exitValue() + ":\n" + m.log());
            }
            try {
                new Socket("127.0.0.1", port).close();
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }, Duration.ofSeconds(10));
        if (up) {
            return m;
        }
        m.close();
        fail("mosquitto did not listen on port " + port + " within 10 s:\n" + m.log());
        return null;
    }

    public BrokerUrl url() {
        return url;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops it (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
