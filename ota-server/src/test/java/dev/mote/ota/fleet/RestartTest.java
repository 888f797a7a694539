package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new server on the same data directory carries on: after an orderly close, and after
 * kill -9.
 */
class RestartTest {
    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock();
    private FleetService fleet;

    @AfterEach
    void close() {
        fleet.close();
    }

    @Test
    void aClosedServerCarriesOnWhereItStopped() {
        fleet = Fleets.open(dir, clock, new FakeDeviceLink());
        firstLife(fleet);
        fleet.close();
        secondLife();
    }

    @Test
    void aKilledServerCarriesOnWhereItStopped() throws Exception {
        // The first life runs in another JVM, killed with SIGKILL: nothing of the server's own
        // shutdown runs, and what it had not committed is gone.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FirstLife.class.getName(),
                dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            StringBuilder log = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                log.append(line).append('\n');
            }
            assertEquals("ready", line, "the first life did not get ready:\n" + log);
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        secondLife();
    }

    /** The first life of {@link #aKilledServerCarriesOnWhereItStopped}, in its own JVM. */
    public static final class FirstLife {
        public static void main(String[] args) throws Exception {
            FleetService f = Fleets.open(Path.of(args[0]), new FakeClock(), new FakeDeviceLink());
            firstLife(f);
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }

    /**
     * 12 devices, phases 4 then all, 3 in flight: dev-000 confirms, dev-001 downloads 16 KiB,
     * dev-002 is offered and says nothing, dev-003 is offered in dev-000's place.
     */
    private static void firstLife(FleetService f) {
        ImageInfo v11 = f.upload(Fleets.image("1.1.0", 2));
        List<FakeDevice> devices = Fleets.devices(f, 12);
        f.createRollout(new RolloutSpec("restart", v11.sha256(), null, null, List.of("4", "100%"), 3, 600, 0.9, 0.2));
        f.tick();
        List<Offer> offers = f.jobs(1).stream().filter(j -> j.state().equals("offered"))
                .map(j -> new Offer(j.id(), v11.sha256(), v11.size(), "1.1.0", 2, 16384, 8, 600)).toList();
        assertEquals(3, offers.size());
        devices.get(0).update(f, offers.get(0));
        devices.get(1).fetch(f, offers.get(1), 16384);
        f.tick();
        assertEquals(Set.of("dev-001", "dev-002", "dev-003"), f.jobs(1).stream()
                .filter(j -> !j.state().equals("queued") && !j.state().equals("confirmed")).map(JobInfo::device)
                .collect(Collectors.toSet()));
    }

    /** A new server on the directory: re-sends the unfinished offers, then completes the rollout. */
    private void secondLife() {
        FakeDeviceLink link2 = new FakeDeviceLink();
        fleet = Fleets.open(dir, clock, link2);
        Map<String, FakeDevice> byId = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            FakeDevice d = new FakeDevice(String.format("dev-%03d", i), TestImage.ARM, i == 0 ? "1.1.0" : "1.0.0",
                    i == 0 ? 2 : 1);
            byId.put(d.id, d);
        }
        RolloutInfo r = fleet.rollout(1);
        assertEquals("running", r.state());
        assertEquals(1, r.counts().get("confirmed"));

        // Started: the offers of the unfinished downloads go out again, same jobs, nothing new.
        assertEquals(Set.of("dev-001", "dev-002", "dev-003"), link2.offeredDevices());
        assertEquals(3, link2.offers().size());
        for (Offer o : link2.offers()) {
            assertEquals(r.image(), o.sha256());
        }
        JobInfo j1 = Fleets.jobOf(fleet, r.id(), "dev-001");
        assertEquals(j1.id(), FakeDevice.last(link2, "dev-001").job());
        assertEquals("downloading", j1.state());
        assertEquals(16384, j1.bytes());
        assertEquals(j1.id(), fleet.device("dev-001").activeJob());

        int seen = 0;
        for (int round = 0; !fleet.rollout(r.id()).state().equals("completed"); round++) {
            assertTrue(round < 50, "the rollout does not end: " + fleet.rollout(r.id()));
            fleet.tick();
            assertTrue(Fleets.inFlight(fleet.jobs(r.id())) <= 3);
            List<FakeDeviceLink.Sent> fresh = link2.since(seen);
            seen += fresh.size();
            for (FakeDeviceLink.Sent s : fresh) {
                byId.get(s.device()).update(fleet, s.offer());
            }
        }
        RolloutInfo done = fleet.rollout(r.id());
        assertEquals(12, done.counts().get("confirmed"), done.toString());
        // dev-000 finished in the first life; the other 8 were first offered in the second.
        assertEquals(List.of(), link2.offersTo("dev-000"));
        assertEquals(3 + 8, link2.offers().size());
    }

    @Test
    void theDeadlineCountsFromTheStoredOfferTime() {
        FakeDeviceLink link1 = new FakeDeviceLink();
        fleet = Fleets.open(dir, clock, link1);
        ImageInfo v11 = fleet.upload(Fleets.image("1.1.0", 2));
        Fleets.devices(fleet, 2);
        RolloutInfo r = fleet.createRollout(new RolloutSpec("d", v11.sha256(), null, null, List.of("100%"), 1, 100,
                0.5, 0.9));
        fleet.tick();
        fleet.close();
        clock.advance(Duration.ofSeconds(100));
        fleet = Fleets.open(dir, clock, new FakeDeviceLink());
        fleet.tick();
        JobInfo j = Fleets.jobOf(fleet, r.id(), "dev-000");
        assertEquals("failed", j.state());
        assertEquals("deadline: not confirmed within 100s", j.reason());
        assertEquals("offered", Fleets.jobOf(fleet, r.id(), "dev-001").state());
    }

    @Test
    void aHelloMidDownloadGetsItsOfferAgainAndAnInstalledJobWaits() {
        FakeDeviceLink link = new FakeDeviceLink();
        fleet = Fleets.open(dir, clock, link);
        ImageInfo v11 = fleet.upload(Fleets.image("1.1.0", 2));
        List<FakeDevice> devices = Fleets.devices(fleet, 2);
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 2));
        fleet.tick();
        FakeDevice a = devices.get(0);
        a.fetch(fleet, FakeDevice.last(link, a.id), 8192);
        fleet.offline(a.id);
        a.maxChunk = 4096;
        a.hello(fleet); // reconnects holding job=J have=8192
        assertEquals(2, link.offersTo(a.id).size());
        Offer again = FakeDevice.last(link, a.id);
        assertEquals(4096, again.chunk(), "the chunk fits the max_chunk of this hello");
        assertEquals(8192, Fleets.jobOf(fleet, r.id(), a.id).bytes());
        a.update(fleet, again);
        assertEquals("confirmed", Fleets.jobOf(fleet, r.id(), a.id).state());

        FakeDevice b = devices.get(1);
        Offer ob = FakeDevice.last(link, b.id);
        b.install(fleet, ob);
        b.bootNew(fleet, ob); // the TEST boot's hello, before its confirm
        assertEquals(1, link.offersTo(b.id).size(), "installed: no new offer");
        assertEquals("rebooting", Fleets.jobOf(fleet, r.id(), b.id).state());
        b.report(fleet, ob.job(), JobStatus.CONFIRMED, 0, "1.1.0", null);
        fleet.tick();
        assertEquals("completed", fleet.rollout(r.id()).state());
    }

    @Test
    void oneServerPerDataDirectory() throws IOException {
        fleet = Fleets.open(dir, clock, new FakeDeviceLink());
        IOException e = assertThrows(IOException.class, () -> new FleetService(dir,
                List.of(TestKeys.KEY.publicKey()), new FakeDeviceLink(), clock, Fleets.CONFIG));
        assertTrue(e.getMessage().startsWith("another OTA server is using "), e.getMessage());
    }
}
