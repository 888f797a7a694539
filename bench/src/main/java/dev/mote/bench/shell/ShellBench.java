package dev.mote.bench.shell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.protocol.Metrics;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.ObserveSpec;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * bench/shell's server half, against mote-ota.jar and the SDK's test fixtures, with a simulated
 * device ({@code dev.mote.ota.sim}: the same messages the device's agent sends):
 *
 * <pre>
 * ShellBench sim N
 *     the OTA server (embedded broker, a fresh data directory) and one simulated device with the
 *     remote shell on: N shell round trips through the REST API as `mote ota shell` makes them
 *     (POST /api/devices/ID/shell: audit row, MQTT down/shell, the reply, the audit's exit), and
 *     N crashes: from the device being back on the network after its reboot to the record being
 *     listed by GET /api/crashes. Prints one JSON line (milliseconds, each list sorted).
 * ShellBench demo SECONDS
 *     the same server and device, which logs, crashes twice and sends heartbeats, kept up for
 *     SECONDS: prints "server URL TOKEN" for the `mote ota` commands (docs/debugging.md's examples).
 * </pre>
 */
public final class ShellBench {
    public static void main(String[] a) throws Exception {
        if (a.length == 2 && a[0].equals("demo")) {
            demo(Integer.parseInt(a[1]));
            return;
        }
        if (a.length != 2 || !a[0].equals("sim")) {
            System.err.println("usage: ShellBench sim N | ShellBench demo SECONDS");
            System.exit(2);
        }
        int n = Integer.parseInt(a[1]);
        Path data = Files.createTempDirectory("mote-shellbench");
        try (OtaServer server = OtaServer.start(new OtaServer.Config(data, TestKeys.trusted(), "127.0.0.1", 0, 0,
                null, FleetConfig.DEFAULTS));
             Simulator sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()))) {
            OtaClient api = new OtaClient(URI.create(server.restUri() + "/"), server.adminToken());
            SimulatedDevice d = sim.add(DeviceSpec.of("bench-1", server.credentials().devicePassword("bench-1"),
                    TestImage.ARM, "1.0.0", TestKeys.trusted()).withObserve(ObserveSpec.DEFAULTS.withRemoteShell(true)));
            sim.start();
            waitFor(d::online);
            for (int i = 0; i < 20; i++) {          // warm-up: JIT, connections, statements
                api.post("api/devices/bench-1/shell", Map.of("command", "echo warm"));
            }
            List<Double> rtt = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                JsonNode r = api.post("api/devices/bench-1/shell", Map.of("command", "echo " + i));
                rtt.add((System.nanoTime() - t0) / 1e6);
                if (!r.get("output").asText().equals(i + "\n")) {
                    throw new IllegalStateException("wrong reply " + r);
                }
            }
            List<Double> crash = new ArrayList<>();
            for (int i = 1; i <= Math.min(n, 20); i++) {
                d.crash("null-pointer", List.of("f" + i, "app_main", "main_thread", "thread_entry"));
                waitFor(() -> !d.online());
                waitFor(d::online);
                long t0 = System.nanoTime();
                int groups = i;
                waitFor(() -> api.get("api/crashes").size() == groups);
                crash.add((System.nanoTime() - t0) / 1e6);
            }
            Collections.sort(rtt);
            Collections.sort(crash);
            int metrics = new Metrics(Map.of()).toBytes().length;
            System.out.println("{\"rtt_ms\":" + rtt + ",\"crash_ms\":" + crash + ",\"empty_metrics\":" + metrics + "}");
        }
    }

    private static void demo(int seconds) throws Exception {
        Path data = Files.createTempDirectory("mote-shelldemo");
        try (OtaServer server = OtaServer.start(new OtaServer.Config(data, TestKeys.trusted(), "127.0.0.1", 0, 0,
                null, FleetConfig.DEFAULTS));
             Simulator sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()))) {
            SimulatedDevice d = sim.add(DeviceSpec.of("sensor-042", server.credentials().devicePassword("sensor-042"),
                    TestImage.ARM, "1.2.0", TestKeys.trusted()).withObserve(ObserveSpec.DEFAULTS.withRemoteShell(true)
                    .withMetricsEvery(Duration.ofSeconds(2)).withLogs(2, Duration.ofSeconds(1))));
            sim.start();
            waitFor(d::online);
            d.log(2, "main: sensor 3 timed out");
            d.log(1, "main: calibration lost");
            Thread.sleep(1500);
            for (int i = 0; i < 2; i++) {
                d.crash("null-pointer", List.of("sensor_store", "sensor_poll", "worker", "thread_entry"));
                waitFor(() -> !d.online());
                waitFor(d::online);
                Thread.sleep(500);
            }
            d.log(2, "main: sensor 3 timed out");
            System.out.println("server " + server.restUri() + " " + server.adminToken());
            Thread.sleep(seconds * 1000L);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(2);
        }
    }
}
