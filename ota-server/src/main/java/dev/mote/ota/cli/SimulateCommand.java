package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.sim.Behaviour;
import dev.mote.ota.sim.DeviceSpec;
import dev.mote.ota.sim.Simulator;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.run.BootChain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota simulate --devices N`: a fleet of simulated devices (dev.mote.ota.sim) that register
 * through the REST API (which hands out their MQTT passwords), connect to the broker and take
 * updates like real ones, until Ctrl-C or --duration. Prints a status line every few seconds.
 */
final class SimulateCommand implements Command {
    @Override
    public String name() {
        return "simulate";
    }

    @Override
    public String summary() {
        return "run N simulated devices that download, verify, reboot and confirm (or crash) like real ones";
    }

    @Override
    public String usage() {
        return "mote ota simulate --devices N -p PROFILE [--version 1.0.0] [--group G] [--prefix sim]"
                + " [--crash N] [--hang N] [--drop-at BYTES] [--broker tcp://HOST:PORT] [--duration 10m] [--every 5s]";
    }

    @Override
    public String examples() {
        return "  mote ota simulate --devices 100 -p qemu-virt-arm64 --group lab\n"
                + "  mote ota simulate --devices 20 -p qemu-virt-arm64 --group lab --crash 3   # the first 3 roll back\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("devices").hasArg().argName("N").desc("how many devices (default 10)").build())
                .addOption(Option.builder("p").longOpt("profile").hasArg().desc("the board they are (required)").build())
                .addOption(Option.builder().longOpt("version").hasArg().desc("the version they run (default 1.0.0)").build())
                .addOption(Option.builder().longOpt("counter").hasArg().desc("their security counter (default 0)").build())
                .addOption(Option.builder().longOpt("group").hasArg().desc("their group (default sim)").build())
                .addOption(Option.builder().longOpt("prefix").hasArg().desc("device ids are PREFIX-00000... (default sim)").build())
                .addOption(Option.builder().longOpt("crash").hasArg().argName("N")
                        .desc("the first N devices' new image crashes before confirming: they roll back").build())
                .addOption(Option.builder().longOpt("hang").hasArg().argName("N")
                        .desc("the next N devices' new image hangs: only the deadline fails them").build())
                .addOption(Option.builder().longOpt("drop-at").hasArg().argName("BYTES")
                        .desc("every device drops its connection once when it holds this many bytes, then resumes").build())
                .addOption(Option.builder().longOpt("broker").hasArg().argName("URL")
                        .desc("the MQTT broker (default tcp://127.0.0.1:1883)").build())
                .addOption(Option.builder().longOpt("trust").hasArg().argName("KEY.pub")
                        .desc("the keys their bootloaders trust (repeatable; default: the development key)").build())
                .addOption(Option.builder().longOpt("duration").hasArg().argName("TIME")
                        .desc("stop after this long (90s, 10m; default: until Ctrl-C)").build())
                .addOption(Option.builder().longOpt("every").hasArg().argName("TIME")
                        .desc("print a status line this often (default 5s)").build())
                .addOption(Option.builder().longOpt("connect-rate").hasArg().argName("N")
                        .desc("connect at most N devices a second (default 500)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("simulate takes no arguments, got " + positional);
        }
        String profile = line.getOptionValue("profile");
        if (profile == null) {
            throw new IllegalArgumentException("-p/--profile: missing (the board the devices are, e.g. qemu-virt-arm64)");
        }
        int n = Args.whole("--devices", line.getOptionValue("devices", "10"), 1);
        int crash = Args.whole("--crash", line.getOptionValue("crash", "0"), 0);
        int hang = Args.whole("--hang", line.getOptionValue("hang", "0"), 0);
        long dropAt = line.hasOption("drop-at") ? Args.whole("--drop-at", line.getOptionValue("drop-at"), 1) : -1;
        long duration = line.hasOption("duration") ? Args.seconds("--duration", line.getOptionValue("duration")) : 0;
        long every = Args.seconds("--every", line.getOptionValue("every", "5s"));
        int rate = Args.whole("--connect-rate", line.getOptionValue("connect-rate", "500"), 1);
        String version = line.getOptionValue("version", "1.0.0");
        long counter = Args.whole("--counter", line.getOptionValue("counter", "0"), 0);
        String group = line.getOptionValue("group", "sim");
        String prefix = line.getOptionValue("prefix", "sim");
        String broker = line.getOptionValue("broker", "tcp://127.0.0.1:1883");
        String[] trust = line.getOptionValues("trust");
        ServerArgs server = ServerArgs.from(line);
        return ctx -> {
            List<VerifyKey> keys = keys(ctx, trust);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(String.format("%s-%05d", prefix, i));
            }
            Map<String, Object> body = new HashMap<>();
            body.put("ids", ids);
            body.put("group", group);
            body.put("tags", List.of("simulated"));
            JsonNode creds = server.client(ctx).post("api/devices/provision", body);
            try (Simulator sim = new Simulator(Simulator.Options.defaults(broker).withConnectsPerSecond(rate))) {
                for (int i = 0; i < n; i++) {
                    Behaviour b = i < crash ? Behaviour.CRASH : i < crash + hang ? Behaviour.HANG : Behaviour.CONFIRM;
                    DeviceSpec spec = DeviceSpec.of(ids.get(i), creds.get(i).get("password").asText(), profile, version,
                            keys).withCounter(counter).withBehaviour(b);
                    sim.add(dropAt > 0 ? spec.withDropAt(dropAt) : spec);
                }
                ctx.out().printf("simulating %d %s devices (%s-00000..) running %s in group %s on %s%s%n", n, profile,
                        prefix, version, group, broker, duration > 0 ? " for " + duration + " s" : "; stop with Ctrl-C");
                sim.start();
                long until = duration > 0 ? System.nanoTime() + duration * 1_000_000_000L : Long.MAX_VALUE;
                while (System.nanoTime() < until) {
                    Thread.sleep(Math.min(every * 1000, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                    report(ctx, sim.summary(), server.json());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        };
    }

    private static void report(Context ctx, Simulator.Summary s, boolean json) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("devices", s.devices());
            m.put("online", s.online());
            m.put("statuses", s.statuses());
            m.put("wireIn", s.wireIn());
            m.put("wireOut", s.wireOut());
            m.put("imageBytes", s.imageBytes());
            m.put("connects", s.connects());
            m.put("restarts", s.restarts());
            m.put("droppedChunks", s.droppedChunks());
            m.put("firstOfferAt", s.firstOfferAt());
            m.put("lastDownloadedAt", s.lastDownloadedAt());
            m.put("medianConfirmMillis", s.medianConfirmMillis());
            m.put("maxConfirmMillis", s.maxConfirmMillis());
            ctx.out().println(dev.mote.sdk.cli.Json.write(m));
        } else {
            ctx.out().printf("%d devices, %d online: %s; %.1f MiB in, %.1f MiB out on the wire%n", s.devices(),
                    s.online(), s.statuses(), s.wireIn() / 1048576.0, s.wireOut() / 1048576.0);
        }
        ctx.out().flush();
    }

    private static List<VerifyKey> keys(Context ctx, String[] trust) throws IOException {
        if (trust == null) {
            return BootChain.defaultKeys(ctx.cwd().resolve("x"), ctx.cwd(), Path.of(System.getProperty("user.home")));
        }
        List<VerifyKey> keys = new ArrayList<>();
        for (String t : trust) {
            keys.add(Keys.readPublic(ctx.path(t)));
        }
        return keys;
    }
}
