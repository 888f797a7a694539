package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.sdk.testing.TestImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollouts end to end through the protocol, as devices would drive them (no broker: the fake link). */
class RolloutTest extends FleetFixture {
    private ImageInfo v11;

    @BeforeEach
    void upload() {
        v11 = fleet.upload(Fleets.image("1.1.0", 2));
    }

    @Test
    void aHundredDevicesInTwoPhasesAllConfirm() {
        List<FakeDevice> devices = Fleets.devices(fleet, 100);
        RolloutInfo r = fleet.createRollout(new RolloutSpec("two phases", v11.sha256().substring(0, 10), null, null,
                List.of("10", "100%"), 8, 600, 0.9, 0.2));
        assertEquals("running", r.state());
        assertEquals(100, r.devices());
        assertEquals(100, r.counts().get("queued"));
        assertEquals("1.1.0", r.version());
        Map<String, FakeDevice> byId = new HashMap<>();
        devices.forEach(d -> byId.put(d.id, d));

        int seen = 0;
        int rounds = 0;
        List<String> offerOrder = new ArrayList<>();
        while (!fleet.rollout(r.id()).state().equals("completed")) {
            assertTrue(++rounds < 200, "the rollout does not end: " + fleet.rollout(r.id()));
            fleet.tick();
            List<JobInfo> jobs = fleet.jobs(r.id());
            assertTrue(Fleets.inFlight(jobs) <= 8, "in flight: " + Fleets.inFlight(jobs));
            List<FakeDeviceLink.Sent> fresh = link.since(seen);
            seen += fresh.size();
            // Half of what was offered finishes this round, the rest the next: slots free up unevenly.
            for (int i = 0; i < fresh.size(); i++) {
                Offer o = fresh.get(i).offer();
                offerOrder.add(fresh.get(i).device());
                FakeDevice d = byId.get(fresh.get(i).device());
                if (i % 2 == 0) {
                    d.update(fleet, o);
                } else {
                    d.install(fleet, o);
                }
            }
            for (JobInfo j : fleet.jobs(r.id())) {
                if (j.state().equals("offered") || j.state().equals("rebooting")) {
                    FakeDevice d = byId.get(j.device());
                    Offer o = FakeDevice.last(link, d.id);
                    if (j.state().equals("offered")) {
                        d.update(fleet, o);
                    } else {
                        d.bootNew(fleet, o);
                        d.report(fleet, o.job(), JobStatus.CONFIRMED, 0, o.version(), null);
                    }
                }
            }
            // The canary is the first 10 devices by id, and nothing else goes out before it ends.
            if (offerOrder.size() <= 10) {
                assertEquals(1, fleet.rollout(r.id()).phase());
            }
        }
        RolloutInfo done = fleet.rollout(r.id());
        assertEquals(100, done.counts().get("confirmed"), done.toString());
        assertEquals(2, done.phase());
        assertEquals("all 2 phases done: 100 confirmed, 0 failed, 0 skipped", done.reason());
        assertEquals(devices.subList(0, 10).stream().map(d -> d.id).toList(), offerOrder.subList(0, 10));
        assertEquals(100, link.offers().size(), "one offer per device, no repeats");
        assertEquals(100, link.offeredDevices().size());
        for (FakeDevice d : devices) {
            assertEquals("1.1.0", fleet.device(d.id).version());
            assertEquals(2, fleet.device(d.id).securityCounter());
            assertEquals(null, fleet.device(d.id).activeJob());
        }
        List<String> events = fleet.history("dev-042").stream().map(Records.HistoryEntry::event).toList();
        assertEquals(List.of("first seen", "offered", "downloading", "verifying", "installed", "rebooting",
                "version", "confirmed"), events);
    }

    @Test
    void canaryFailuresPauseTheRolloutAndTheRestIsNeverOffered() {
        List<FakeDevice> devices = Fleets.devices(fleet, 30);
        RolloutInfo r = fleet.createRollout(new RolloutSpec("canary", v11.sha256(), null, null,
                List.of("5", "100%"), 3, 600, 0.9, 0.2));
        fleet.tick();
        List<Offer> first = link.offers();
        assertEquals(3, first.size());
        // Two of the canary roll back: 2 of 5 is above 20% (1 allowed).
        devices.get(0).rollBack(fleet, FakeDevice.last(link, "dev-000"));
        fleet.tick();
        assertEquals("running", fleet.rollout(r.id()).state(), "one failure is allowed");
        assertEquals(4, link.offers().size(), "the freed slot went to the next canary device");
        devices.get(1).rollBack(fleet, FakeDevice.last(link, "dev-001"));
        // The one in flight still finishes.
        devices.get(2).update(fleet, FakeDevice.last(link, "dev-002"));
        for (int i = 0; i < 5; i++) {
            fleet.tick();
        }
        RolloutInfo paused = fleet.rollout(r.id());
        assertEquals("paused", paused.state());
        assertEquals("phase 1 of 2: 2 of 5 jobs failed or rolled back, above the failure threshold of 20% (1"
                + " allowed)", paused.reason());
        assertEquals(Set.of("dev-000", "dev-001", "dev-002", "dev-003"), link.offeredDevices());
        assertEquals(2, paused.counts().get("rolledback"));
        assertEquals(1, paused.counts().get("confirmed"));
        assertEquals(26, paused.counts().get("queued"));
        // The device in flight when it paused goes on.
        devices.get(3).update(fleet, FakeDevice.last(link, "dev-003"));
        fleet.tick();
        assertEquals(2, fleet.rollout(r.id()).counts().get("confirmed"));
        assertEquals(4, link.offeredDevices().size());
        assertEquals("rolledback", Fleets.jobOf(fleet, r.id(), "dev-000").state());
        assertEquals("new image did not confirm", Fleets.jobOf(fleet, r.id(), "dev-000").reason());
        assertEquals("1.0.0", fleet.device("dev-000").version());
    }

    @Test
    void theSuccessThresholdHoldsAPhaseThatEndedBadly() {
        List<FakeDevice> devices = Fleets.devices(fleet, 10);
        // failure threshold 0.5 lets both failures through; success 0.9 of 4 needs all 4.
        RolloutInfo r = fleet.createRollout(new RolloutSpec(null, v11.sha256(), null, null, List.of("40%", "100%"),
                4, 600, 0.9, 0.5));
        assertEquals("hello 1.1.0", r.name());
        fleet.tick();
        devices.get(0).update(fleet, FakeDevice.last(link, "dev-000"));
        devices.get(1).update(fleet, FakeDevice.last(link, "dev-001"));
        devices.get(2).update(fleet, FakeDevice.last(link, "dev-002"));
        devices.get(3).rollBack(fleet, FakeDevice.last(link, "dev-003"));
        fleet.tick();
        RolloutInfo paused = fleet.rollout(r.id());
        assertEquals("paused", paused.state());
        assertEquals("phase 1 of 2 ended with 3 of 4 confirmed (75%), below the success threshold of 90%",
                paused.reason());
        assertEquals(4, link.offers().size());
        // Resuming is the operator's call: the next phase starts.
        assertEquals("running", fleet.resume(r.id()).state());
        assertEquals(2, fleet.rollout(r.id()).phase());
        fleet.tick();
        assertEquals(8, link.offers().size());
    }

    @Test
    void wrongProfileLowerCounterAndSameVersionAreSkippedAndNeverOffered() {
        Fleets.devices(fleet, 3);
        new FakeDevice("x86-1", "qemu-microvm-x86_64", "1.0.0", 1).hello(fleet);
        new FakeDevice("newer-1", TestImage.ARM, "2.0.0", 5).hello(fleet);
        new FakeDevice("same-1", TestImage.ARM, "1.1.0", 2).hello(fleet);
        fleet.provision("later-1", null, List.of()); // not seen yet: decided when it comes online
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 10));
        assertEquals(7, r.devices());
        assertEquals(3, r.counts().get("skipped"));
        assertEquals(4, r.counts().get("queued"));
        assertEquals("profile mismatch: the image is for qemu-virt-arm64, the device is qemu-microvm-x86_64",
                Fleets.jobOf(fleet, r.id(), "x86-1").reason());
        assertEquals("security counter 2 is below the device's 5", Fleets.jobOf(fleet, r.id(), "newer-1").reason());
        assertEquals("already running 1.1.0 (counter 2)", Fleets.jobOf(fleet, r.id(), "same-1").reason());
        assertEquals(0, Fleets.jobOf(fleet, r.id(), "x86-1").phase());
        assertEquals("skipped", fleet.history("x86-1").get(1).event());

        fleet.tick();
        assertEquals(Set.of("dev-000", "dev-001", "dev-002"), link.offeredDevices());
        // It turns out to be an x86 board: skipped at its offer, not offered.
        new FakeDevice("later-1", "qemu-microvm-x86_64", "1.0.0", 0).hello(fleet);
        fleet.tick();
        assertEquals("skipped", Fleets.jobOf(fleet, r.id(), "later-1").state());
        assertEquals(Set.of("dev-000", "dev-001", "dev-002"), link.offeredDevices());
        for (int i = 0; i < 3; i++) {
            new FakeDevice("dev-00" + i, TestImage.ARM, "1.0.0", 1).update(fleet,
                    FakeDevice.last(link, "dev-00" + i));
        }
        fleet.tick();
        RolloutInfo done = fleet.rollout(r.id());
        assertEquals("completed", done.state());
        assertEquals("all 1 phases done: 3 confirmed, 0 failed, 4 skipped", done.reason());
    }

    @Test
    void aRolloutWithNothingToDoCompletesAtOnce() {
        new FakeDevice("same-1", TestImage.ARM, "1.1.0", 2).hello(fleet);
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("10", "100%"), 1));
        fleet.tick();
        assertEquals("completed", fleet.rollout(r.id()).state());
        assertEquals(List.of(), link.offers());
    }

    @Test
    void offersOnlyGoToOnlineDevicesAndWaitForThem() {
        List<FakeDevice> devices = Fleets.devices(fleet, 2);
        fleet.offline("dev-000");
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 5));
        fleet.tick();
        assertEquals(Set.of("dev-001"), link.offeredDevices());
        devices.get(0).hello(fleet);
        fleet.tick();
        assertEquals(Set.of("dev-000", "dev-001"), link.offeredDevices());
        assertEquals(Fleets.jobOf(fleet, r.id(), "dev-000").id(), fleet.device("dev-000").activeJob());
    }

    @Test
    void aDeviceBusyInAnotherRolloutIsOfferedOnceItIsFree() {
        List<FakeDevice> devices = Fleets.devices(fleet, 1);
        ImageInfo v12 = fleet.upload(Fleets.image("1.2.0", 2));
        RolloutInfo a = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 5));
        fleet.tick();
        RolloutInfo b = fleet.createRollout(Fleets.spec(v12.sha256(), List.of("100%"), 5));
        fleet.tick();
        assertEquals(1, link.offers().size());
        assertEquals("queued", Fleets.jobOf(fleet, b.id(), "dev-000").state());
        devices.get(0).update(fleet, FakeDevice.last(link, "dev-000"));
        fleet.tick();
        assertEquals("completed", fleet.rollout(a.id()).state());
        assertEquals("1.2.0", FakeDevice.last(link, "dev-000").version());
    }

    @Test
    void theOfferFitsTheDevice() {
        FakeDevice small = new FakeDevice("small", TestImage.ARM, "1.0.0", 1);
        small.maxChunk = 1024;
        small.hello(fleet);
        fleet.createRollout(new RolloutSpec("x", v11.sha256(), null, null, List.of("100%"), 1, 321, 1, 0));
        fleet.tick();
        assertEquals(new Offer(1, v11.sha256(), v11.size(), "1.1.0", 2, 1024, FleetConfig.DEFAULTS.window(), 321),
                FakeDevice.last(link, "small"));
    }
}
