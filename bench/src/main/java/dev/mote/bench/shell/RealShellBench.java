package dev.mote.bench.shell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.mqtt.BrokerUrl;
import dev.mote.ota.provision.Provision;
import dev.mote.ota.rest.OtaClient;
import dev.mote.ota.server.OtaServer;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.Network;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * bench/shell's real-device half: the OTA server (embedded broker, a fresh data directory) and
 * one QEMU device running examples/telemetry with TELEMETRY_SHELL=1, provisioned with the remote
 * shell on as `mote ota provision --shell` does, booted by the Mote bootloader from its flash file
 * and switched on again whenever it stops.
 *
 * <pre>
 * RealShellBench PROFILE N CRASHES
 *     N remote shell round trips (`uptime`, after 10 for warm-up) through POST /api/devices/ID/shell
 *     as `mote ota shell` makes them; then CRASHES crashes (the app's `fault` command): from the
 *     fault report on the console, and from the next boot's kernel line ("booted in"), to the
 *     record counted by GET /api/crashes. Prints one JSON line (milliseconds, each list sorted).
 * </pre>
 * Every wait has a timeout; QEMU is killed when it ends.
 */
public final class RealShellBench {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private volatile boolean on = true;

    public static void main(String[] a) throws Exception {
        if (a.length != 3) {
            System.err.println("usage: RealShellBench PROFILE N CRASHES");
            System.exit(2);
        }
        new RealShellBench().run(Fixtures.profile(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]));
    }

    private void run(Profile p, int n, int crashes) throws Exception {
        Path dir = Files.createTempDirectory("mote-realshell");
        Path image = dir.resolve("telemetry.img");
        BuildOptions o = new BuildOptions(List.of("TELEMETRY_SHELL=1"), 0, false, TestKeys.KEY,
                Version.parse("version", "1.0.0"), 0);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), System.err).build(Fixtures.example("telemetry"), p, image, o);
        try (OtaServer server = OtaServer.start(new OtaServer.Config(dir.resolve("data"), TestKeys.trusted(),
                "127.0.0.1", 0, 0, null, FleetConfig.DEFAULTS))) {
            OtaClient api = new OtaClient(URI.create(server.restUri() + "/"), server.adminToken());
            Path flash = dir.resolve("dev.flash");
            FlashImage.forProfile(p).withImage(Slot.A, image).write(flash);
            Provision.run(api, new Provision.Request("bench-1", flash, p, null, true, 16384, null, List.of()));
            int port = BrokerUrl.parse(server.brokerUrl()).port();
            Thread supply = new Thread(() -> supply(p, flash, port), "power");
            supply.setDaemon(true);
            supply.start();
            try {
                waitFor(() -> api.get("api/devices?online=true").size() == 1 && count("remote shell on") == 1);
                for (int i = 0; i < 10; i++) {
                    shell(api, "uptime");
                }
                if (Boolean.getBoolean("realshell.trace")) {     // where a round trip's time goes, on the device
                    shell(api, "trace on net api sched");
                    long t0 = System.nanoTime();
                    shell(api, "uptime");
                    System.err.printf("traced round trip: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
                    shell(api, "trace off");
                    System.err.println(api.post("api/devices/bench-1/shell", Map.of("command", "trace dump 120"))
                            .get("output").asText());
                }
                List<Double> rtt = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    shell(api, "uptime");
                    rtt.add((System.nanoTime() - t0) / 1e6);
                }
                List<Double> fromFault = new ArrayList<>();
                List<Double> fromBoot = new ArrayList<>();
                for (int i = 1; i <= crashes; i++) {
                    int faults = count("*** FAULT");
                    int boots = count("booted in");
                    shell(api, "fault");
                    waitFor(() -> count("*** FAULT") > faults);
                    long fault = System.nanoTime();
                    waitFor(() -> count("booted in") > boots);
                    long boot = System.nanoTime();
                    int want = i;
                    waitFor(() -> {
                        JsonNode g = api.get("api/crashes");
                        return g.size() == 1 && g.get(0).get("count").asInt() == want;
                    });
                    long stored = System.nanoTime();
                    fromFault.add((stored - fault) / 1e6);
                    fromBoot.add((stored - boot) / 1e6);
                    waitFor(() -> api.get("api/devices?online=true").size() == 1);
                }
                Collections.sort(rtt);
                Collections.sort(fromFault);
                Collections.sort(fromBoot);
                System.out.println("{\"profile\":\"" + p.name() + "\",\"rtt_ms\":" + rtt + ",\"crash_from_fault_ms\":"
                        + fromFault + ",\"crash_from_boot_ms\":" + fromBoot + "}");
            } catch (Exception | AssertionError e) {
                System.err.println(console());
                throw e;
            } finally {
                on = false;
                kill(flash);
                supply.join(10_000);
            }
        }
    }

    private static void shell(OtaClient api, String command) throws Exception {
        JsonNode r = api.post("api/devices/bench-1/shell", Map.of("command", command));
        if (r.get("exit").asInt() != 0) {
            throw new IllegalStateException("'" + command + "' failed: " + r);
        }
    }

    /** Boots the device's flash until told to stop: the board's power, restarted as a watchdog would. */
    private void supply(Profile p, Path flash, int brokerPort) {
        PrintStream out = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (console) {
                    console.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
        BootChain chain = new BootChain(Fixtures.sdk(), Fixtures.tools(), out, Sdk.cacheDir(System.getenv()));
        Network net = Network.user().withGuestForward(new Network.GuestForward(brokerPort, brokerPort));
        RunOptions options = RunOptions.defaults().withTimeout(Duration.ofMinutes(10))
                .withDevices(Devices.standard().withNetwork(net));
        while (on) {
            try {
                chain.run(flash, p, TestKeys.trusted(), options, out);
            } catch (Exception e) {
                out.println("=== off: " + e);
            }
        }
    }

    private static void kill(Path flash) {
        String file = flash.toAbsolutePath().toString();
        ProcessHandle.current().descendants().filter(ph -> ph.info().commandLine().orElse("").contains(file))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    private int count(String text) {
        String c = console();
        int k = 0;
        for (int i = c.indexOf(text); i >= 0; i = c.indexOf(text, i + text.length())) {
            k++;
        }
        return k;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls every 2 ms, for WAIT at most. */
    private static void waitFor(Check c) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(2);
        }
    }
}
