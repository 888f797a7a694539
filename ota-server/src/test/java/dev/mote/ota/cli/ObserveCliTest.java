package dev.mote.ota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.ObserveSpec;
import dev.mote.ota.sim.SimulatedDevice;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.Dispatcher;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `mote ota crashes|logs|metrics|shell` against a real server and a simulated device. */
@Timeout(90)
class ObserveCliTest {
    private static final SigningKey KEY = SigningKey.generate();
    private static final Duration WAIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;
    private OtaServer server;
    private Simulator sim;
    private SimulatedDevice dev;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = OtaServer.start(new OtaServer.Config(dir.resolve("ota-data"), List.of(KEY.publicKey()), "127.0.0.1",
                0, 0, null, FleetConfig.DEFAULTS));
        sim = new Simulator(Simulator.Options.defaults(server.brokerUrl()));
        dev = sim.add(DeviceSpec.of("sensor-1", server.credentials().devicePassword("sensor-1"), TestImage.ARM, "1.0.0",
                List.of(KEY.publicKey())).withObserve(ObserveSpec.DEFAULTS.withRemoteShell(true)
                .withMetricsEvery(Duration.ofMillis(200)).withLogs(2, Duration.ofMillis(100))));
        sim.start();
        assertTrue(Await.until(dev::online, WAIT));
    }

    @AfterEach
    void stop() {
        sim.close();
        server.close();
    }

    private int ota(String input, String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server");
        all.add(server.restUri().toString());
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, false);
        if (input == null) {
            return Main.fromArgs(all.toArray(new String[0]), ctx).run();
        }
        // the interactive shell, reading `input` as what was typed
        List<Command> cmds = List.of(new RemoteShellCommand(new ByteArrayInputStream(
                input.getBytes(StandardCharsets.UTF_8))));
        return new Dispatcher("mote ota", cmds, w -> { }, a -> a).parse(all.toArray(new String[0]), ctx).run();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void crashesLogsMetricsAndTheShellFromTheCommandLine() throws Exception {
        assertEquals(0, ota(null, "crashes"), err.toString());
        assertEquals("no crashes\n", out());
        dev.crash("stack-overflow", List.of("recurse", "recurse", "app_main", "main_thread", "thread_entry"));
        assertTrue(Await.until(() -> ota(null, "crashes") == 0 && out().contains("stack-overflow"), WAIT), out());
        assertTrue(out().startsWith("GROUP   COUNT DEVICES VERSION"), out());
        assertTrue(out().contains("recurse < recurse < app_main < main_thread < thread_entry"), out());
        String group = out().split("\n")[1].split(" ")[0];
        assertEquals(0, ota(null, "crashes", group), err.toString());
        assertTrue(out().contains("crash group " + group + ": stack-overflow in 1.0.0, 1 crash(es) on 1 device(s)"), out());
        assertTrue(out().contains("device sensor-1") && out().contains("crash seq=1 kind=stack-overflow"), out());
        assertEquals(1, ota(null, "crashes", "77"));
        assertEquals(2, ota(null, "crashes", "x"));

        assertTrue(Await.until(dev::online, WAIT));
        dev.log(2, "main: low battery");
        assertTrue(Await.until(() -> ota(null, "logs", "sensor-1") == 0 && out().contains("W main: low battery"), WAIT));
        assertTrue(Await.until(() -> ota(null, "metrics", "sensor-1", "--lines", "2") == 0
                && out().contains("stack-overflow"), WAIT), out());
        assertTrue(out().startsWith("RECEIVED (UTC)"), out());
        assertTrue(out().contains("cpu % per thread (newest): "), out());
        assertEquals(0, ota(null, "metrics", "sensor-1", "--lines", "1", "--json"));
        assertEquals(1, new ObjectMapper().readTree(out()).size());
        assertEquals(2, ota(null, "logs", "sensor-1", "--lines", "0"));
        assertEquals(1, ota(null, "logs", "nobody"));

        assertEquals(0, ota(null, "shell", "sensor-1", "echo", "hello", "there"), err.toString());
        assertEquals("hello there\n", out());
        assertEquals(1, ota(null, "shell", "sensor-1", "nosuch"));
        assertTrue(err.toString().contains("exited with 127"), err.toString());
        assertEquals(0, ota("uptime\n\necho two\nexit\n", "shell", "sensor-1"), err.toString());
        assertTrue(out().matches("(?s)sensor-1> up 0d .*sensor-1> sensor-1> two\nsensor-1> \n"), out());
        assertEquals(2, ota(null, "shell"));
    }
}
