package dev.mote.ota.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL from Debian's packages (scripts/setup.sh installs `postgresql`), for tests:
 * a throwaway cluster made with initdb in a temporary directory, listening on 127.0.0.1 on a free
 * port (its unix socket in that directory), password authentication, fsync off. PostgreSQL will
 * not run as root, so as root (CI) its programs run as the `postgres` user the package creates.
 * Absent binaries: the test is skipped on a developer machine, and fails in CI (CI=true).
 *
 * <p>{@link #shared} is one cluster for the whole test run (started once, stopped at exit): each
 * test class takes a fresh database of it ({@link #newDatabase}).
 */
public final class PostgresCluster implements AutoCloseable {
    static final String USER = "mote";
    static final String PASSWORD = "mote-test-password";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster shared;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;

    private PostgresCluster(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** Debian's PostgreSQL programs (/usr/lib/postgresql/VERSION/bin, the newest), or null. */
    static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString()
                            .replaceAll("\\D", "0")))).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The binaries; skips the calling test when PostgreSQL is not installed, except in CI. */
    public static Path require() {
        Path b = binaries();
        if (b == null && "true".equals(System.getenv("CI"))) {
            fail("PostgreSQL is not installed, and CI=true: scripts/setup.sh installs it (apt-get install postgresql)");
        }
        Assumptions.assumeTrue(b != null, "PostgreSQL is not installed (apt-get install postgresql): skipped");
        return b;
    }

    /** The cluster every test class shares, started on first use. */
    public static synchronized PostgresCluster shared() throws IOException {
        if (shared == null) {
            shared = start();
            PostgresCluster c = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(c::close, "postgres-test-cluster"));
        }
        return shared;
    }

    /** A cluster of its own (a test that stops and starts it). */
    public static PostgresCluster start() throws IOException {
        Path bin = require();
        Path dir = Files.createTempDirectory("mote-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresCluster c = new PostgresCluster(bin, dir, port);
        try {
            Path pw = dir.resolve("pw");
            Files.writeString(pw, PASSWORD + "\n", StandardCharsets.US_ASCII);
            c.chownToServer();
            c.run(List.of(bin.resolve("initdb").toString(), "-D", c.data.toString(), "-U", USER, "--pwfile=" + pw,
                    "-A", "scram-sha-256", "--locale=C", "-E", "UTF8", "--no-sync"), 120);
            c.startAgain();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** As root, the directory belongs to the postgres user, which runs the server. */
    private void chownToServer() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()), 30, false);
    }

    private void run(List<String> cmd, int seconds) throws IOException {
        run(cmd, seconds, true);
    }

    private void run(List<String> cmd, int seconds, boolean asServer) throws IOException {
        List<String> full = new ArrayList<>();
        if (asServer && "root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        Path log = Files.createTempFile("mote-pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no end within " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ":\n" + Files.readString(log)
                        + "\n" + serverLog());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** (Re)starts the server on its port; returns once it takes connections. */
    public void startAgain() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories="
                        + dir + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                        + " -c max_connections=200", "start"), 90);
    }

    /** Stops the server (fast: connections are cut, as when a database server goes down). */
    public void stop() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), 60);
    }

    /** A new, empty database of this cluster. */
    public PostgresUrl newDatabase() throws IOException {
        String name = "mote_test_" + DATABASES.incrementAndGet();
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IOException("CREATE DATABASE " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    /** The URL of database {@code name}, with the password in it. */
    public PostgresUrl url(String name) {
        return new PostgresUrl("127.0.0.1", port, name, USER, PASSWORD, Map.of());
    }

    public int port() {
        return port;
    }

    public String serverLog() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the server at once and removes everything. */
    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
                        60);
            }
        } catch (IOException e) {
            // removing it anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory
        }
    }
}
