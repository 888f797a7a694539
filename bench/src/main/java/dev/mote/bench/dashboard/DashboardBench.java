package dev.mote.bench.dashboard;

import dev.mote.ota.fleet.DeviceLink;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.fleet.FleetService;
import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.Offer;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;

/**
 * bench/dashboard's Java half, run against mote-ota.jar and the SDK's test fixtures (see
 * bench/dashboard/run):
 *
 * <pre>
 * DashboardBench images DIR PROFILE N PAYLOAD_BYTES
 *     a key pair DIR/bench.key|.pub and N signed images DIR/v1.img..vN.img: versions 1.1.0,
 *     1.2.0, ... with security counters 1, 2, ... (TestImage, the SDK's code)
 * DashboardBench fleet DATA_DIR N
 *     a server data directory holding N devices as the server would have recorded them (the
 *     fleet logic's own calls, in-process, no MQTT): said hello with one of three versions and
 *     two profiles, in 20 groups with one or two tags, a fifth of them gone offline, half of
 *     them in a rollout that was then cancelled (so every update state filter has rows)
 * </pre>
 */
public final class DashboardBench {
    private DashboardBench() {
    }

    public static void main(String[] a) throws Exception {
        if (a.length == 5 && a[0].equals("images")) {
            Path dir = Path.of(a[1]);
            SigningKey key = TestKeys.stranger();
            TestKeys.write(key, dir.resolve("bench"));
            for (int i = 1; i <= Integer.parseInt(a[3]); i++) {
                TestImage.of(a[2]).version("1." + i + ".0").counter(i).randomPayload(Integer.parseInt(a[4]), i)
                        .write(dir.resolve("v" + i + ".img"), key);
            }
        } else if (a.length == 3 && a[0].equals("fleet")) {
            fleet(Path.of(a[1]), Integer.parseInt(a[2]));
        } else {
            System.err.println("usage: DashboardBench images DIR PROFILE N PAYLOAD_BYTES\n"
                    + "       DashboardBench fleet DATA_DIR N");
            System.exit(2);
        }
    }

    private static void fleet(Path data, int n) throws Exception {
        DeviceLink nowhere = new DeviceLink() {
            @Override
            public void offer(String deviceId, Offer offer) {
            }

            @Override
            public void cancel(String deviceId, Cancel cancel) {
            }
        };
        Random random = new Random(42);
        String[] versions = {"1.0.0", "1.0.0", "1.0.0", "1.0.0", "1.0.0", "1.0.0", "1.0.0", "1.1.0", "1.1.0", "0.9.0"};
        try (FleetService fleet = new FleetService(data, TestKeys.trusted(), nowhere, Clock.systemUTC(),
                FleetConfig.DEFAULTS.manualTicks())) {
            fleet.start();
            for (int i = 0; i < n; i++) {
                String id = String.format("dev-%05d", i);
                List<String> tags = random.nextInt(3) == 0 ? List.of("floor-" + random.nextInt(8), "beta")
                        : List.of("floor-" + random.nextInt(8));
                fleet.provision(id, String.format("site-%02d", i % 20), tags);
                String profile = i % 7 == 6 ? "rpi4-arm64" : TestImage.ARM;
                fleet.hello(id, new Hello(profile, versions[random.nextInt(versions.length)], 0, 'a', 16384, 0, 0));
                if (i % 5 == 3) {
                    fleet.offline(id);
                }
            }
            byte[] image = TestImage.arm().version("2.0.0").counter(1).randomPayload(4096, 1).bytes();
            String sha = fleet.upload(image).sha256();
            for (int g = 0; g < 10; g++) {
                long id = fleet.createRollout(new dev.mote.ota.fleet.Records.RolloutSpec("bench " + g, sha,
                        String.format("site-%02d", g), null, List.of("100%"), 100, 1800, 0.95, 0.1)).id();
                fleet.tick();
                fleet.cancel(id);
            }
            System.out.println(fleet.overview().devices() + " devices");
        }
    }
}
