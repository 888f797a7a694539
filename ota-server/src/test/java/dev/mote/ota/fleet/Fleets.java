package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.store.JobState;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared set-up: a fleet on a real database file whose engine the test ticks. */
final class Fleets {
    /** The engine ticked by the test, and no nudging of quiet jobs (NudgeTest has its own): offers are counted. */
    static final FleetConfig CONFIG = withNudge(FleetConfig.DEFAULTS.manualTicks(), 0);

    static FleetConfig withNudge(FleetConfig c, long nudgeMillis) {
        return new FleetConfig(c.chunkSize(), c.window(), c.tickMillis(), c.cachedImages(), c.fullSync(), nudgeMillis);
    }

    private Fleets() {
    }

    static FleetService open(Path dir, FakeClock clock, FakeDeviceLink link) {
        try {
            FleetService f = new FleetService(dir, List.of(TestKeys.KEY.publicKey()), link, clock, CONFIG);
            f.start();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fleet on {@code store} (PostgreSQL: as the only instance on its database), started. */
    static FleetService open(dev.mote.ota.store.Store store, FakeClock clock, FakeDeviceLink link) throws IOException {
        FleetService f = new FleetService(store, List.of(TestKeys.KEY.publicKey()), link, clock, CONFIG,
                Cluster.Member.DEFAULT);
        f.start();
        return f;
    }

    /** The fleet tests' image: qemu-virt-arm64, 40,000 payload bytes (three 16 KiB chunks), the suite's key. */
    static byte[] image(String version, long counter) {
        return TestImage.arm().version(version).counter(counter).randomPayload(40_000, counter).bytes();
    }

    static RolloutSpec spec(String image, List<String> phases, int maxInFlight) {
        return new RolloutSpec("test", image, null, null, phases, maxInFlight, 600, 0.9, 0.2);
    }

    /** n devices on the test profile running 1.0.0 (counter 1), said hello: dev-000..dev-NNN. */
    static List<FakeDevice> devices(FleetService fleet, int n) {
        List<FakeDevice> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FakeDevice d = new FakeDevice(String.format("dev-%03d", i), TestImage.ARM, "1.0.0", 1);
            d.hello(fleet);
            out.add(d);
        }
        return out;
    }

    static long inFlight(List<JobInfo> jobs) {
        return jobs.stream().filter(j -> JobState.fromWire(j.state()).inFlight()).count();
    }

    static JobInfo jobOf(FleetService fleet, long rollout, String device) {
        return fleet.jobs(rollout).stream().filter(j -> j.device().equals(device)).findFirst().orElseThrow();
    }
}
