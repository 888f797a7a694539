package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.DevicePage;
import dev.mote.ota.fleet.Records.DeviceQuery;
import dev.mote.ota.fleet.Records.ListedDevice;
import dev.mote.ota.fleet.Records.Overview;
import dev.mote.ota.fleet.Records.PhaseProgress;
import dev.mote.ota.fleet.Records.Pulse;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.sdk.testing.TestImage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard's views: the device list's filters and paging, the overview, phases, pulses. */
class ViewsTest extends FleetFixture {
    private static DeviceQuery all(int offset, int limit) {
        return new DeviceQuery(null, null, null, null, null, null, null, offset, limit);
    }

    private static DeviceQuery state(String state) {
        return new DeviceQuery(null, null, null, null, null, null, state, 0, 100);
    }

    @Test
    void theDeviceListPagesInIdOrderAndCountsEverything() {
        Fleets.devices(fleet, 120);
        DevicePage p = fleet.devicePage(all(0, 50));
        assertEquals(120, p.total());
        assertEquals(50, p.devices().size());
        assertEquals("dev-000", p.devices().get(0).id());
        DevicePage last = fleet.devicePage(all(100, 50));
        assertEquals(20, last.devices().size());
        assertEquals("dev-119", last.devices().get(19).id());
        assertEquals(0, fleet.devicePage(all(200, 50)).devices().size(), "past the end: an empty page");
        ListedDevice d = p.devices().get(3);
        assertEquals(TestImage.ARM, d.profile());
        assertEquals("1.0.0", d.version());
        assertTrue(d.online());
        assertEquals("none", d.updateState());
        assertNull(d.rollout());
    }

    @Test
    void everyFilterNarrowsTheList() {
        Fleets.devices(fleet, 30);
        fleet.label("dev-001", "lab", List.of("beta", "x"));
        fleet.label("dev-002", "lab", List.of());
        fleet.label("dev-010", "field", List.of("beta"));
        new FakeDevice("old-1", TestImage.ARM, "0.9.0", 1).hello(fleet);
        new FakeDevice("x86-1", "qemu-microvm-x86_64", "1.0.0", 1).hello(fleet);
        offline("dev-005");
        assertEquals(2, total(new DeviceQuery(null, "lab", null, null, null, null, null, 0, 10)));
        assertEquals(2, total(new DeviceQuery(null, null, "beta", null, null, null, null, 0, 10)));
        assertEquals(1, total(new DeviceQuery(null, "lab", "beta", null, null, null, null, 0, 10)));
        assertEquals(1, total(new DeviceQuery(null, null, null, "qemu-microvm-x86_64", null, null, null, 0, 10)));
        assertEquals(1, total(new DeviceQuery(null, null, null, null, "0.9.0", null, null, 0, 10)));
        assertEquals(1, total(new DeviceQuery(null, null, null, null, null, false, null, 0, 10)));
        assertEquals(31, total(new DeviceQuery(null, null, null, null, null, true, null, 0, 10)));
        assertEquals(10, total(new DeviceQuery("dev-01", null, null, null, null, null, null, 0, 10)), "dev-010..019");
        assertEquals(1, total(new DeviceQuery("0.9", null, null, null, null, null, null, 0, 10)), "in the version");
        assertEquals(2, total(new DeviceQuery("LAB", null, null, null, null, null, null, 0, 10)), "in the group, any case");
        assertEquals(0, total(new DeviceQuery("dev_0", null, null, null, null, null, null, 0, 10)), "_ is no wildcard");
        assertEquals(0, total(new DeviceQuery("%", null, null, null, null, null, null, 0, 10)), "% is no wildcard");
        assertEquals(List.of("beta", "x"), fleet.devicePage(new DeviceQuery(null, "lab", null, null, null, null, null,
                0, 10)).devices().get(0).tags());
    }

    @Test
    void theUpdateStateIsTheLatestJobs() {
        Fleets.devices(fleet, 4);
        String sha = fleet.upload(Fleets.image("1.1.0", 2)).sha256();
        long id = fleet.createRollout(Fleets.spec(sha, List.of("100%"), 1)).id();
        fleet.tick();
        assertEquals(1, total(state("offered")));
        assertEquals(3, total(state("queued")));
        assertEquals(0, total(state("none")));
        ListedDevice offered = fleet.devicePage(state("offered")).devices().get(0);
        assertEquals(id, offered.rollout());
        new FakeDevice("late", TestImage.ARM, "1.0.0", 1).hello(fleet);
        assertEquals(1, total(state("none")));
        fleet.cancel(id);
        assertEquals(4, total(state("cancelled")));
        Overview o = fleet.overview();
        assertEquals(4, o.updateStates().get("cancelled"));
        assertEquals(1, o.updateStates().get("none"));
    }

    @Test
    void badQueriesAreRefusedWithTheReason() {
        assertEquals(FleetException.Reason.BAD_REQUEST, assertThrows(FleetException.class,
                () -> fleet.devicePage(all(0, 0))).reason());
        assertThrows(FleetException.class, () -> fleet.devicePage(all(0, Views.MAX_PAGE + 1)));
        assertThrows(FleetException.class, () -> fleet.devicePage(all(-1, 10)));
        FleetException e = assertThrows(FleetException.class, () -> fleet.devicePage(state("exploded")));
        assertTrue(e.getMessage().contains("not an update state"), e.getMessage());
        assertThrows(FleetException.class, () -> fleet.devicePage(new DeviceQuery("x".repeat(65), null, null, null,
                null, null, null, 0, 10)));
    }

    @Test
    void theOverviewCountsTheFleet() {
        Fleets.devices(fleet, 5);
        new FakeDevice("x86-1", "qemu-microvm-x86_64", "2.0.0", 1).hello(fleet);
        fleet.label("dev-000", "lab", List.of());
        offline("dev-001");
        fleet.provision("unseen", "lab", List.of());
        Overview o = fleet.overview();
        assertEquals(7, o.devices());
        assertEquals(5, o.online());
        assertEquals(5, o.versions().get("1.0.0"));
        assertEquals(1, o.versions().get(""), "not seen yet");
        assertEquals(List.of("1.0.0", "", "2.0.0"), List.copyOf(o.versions().keySet()), "most first");
        assertEquals(5, o.profiles().get(TestImage.ARM));
        assertEquals(2, o.groups().get("lab"));
        assertEquals(7, o.updateStates().get("none"));
        assertTrue(o.rollouts().isEmpty());
    }

    @Test
    void phasesCountTheirJobsPerState() {
        List<FakeDevice> devices = Fleets.devices(fleet, 10);
        new FakeDevice("x86-1", "qemu-microvm-x86_64", "1.0.0", 1).hello(fleet);
        String sha = fleet.upload(Fleets.image("1.1.0", 2)).sha256();
        long id = fleet.createRollout(Fleets.spec(sha, List.of("2", "100%"), 2)).id();
        fleet.tick();
        List<PhaseProgress> p = fleet.phases(id);
        assertEquals(3, p.size(), "phase 0 (skipped at creation), 1 and 2");
        assertEquals(1, p.get(0).counts().get("skipped"), "the x86 device");
        assertEquals(0, p.get(0).jobs());
        assertNull(p.get(0).target());
        assertEquals("2", p.get(1).target());
        assertEquals(2, p.get(1).jobs());
        assertEquals(2, p.get(1).counts().get("offered"));
        assertEquals("100%", p.get(2).target());
        assertEquals(8, p.get(2).counts().get("queued"));
        Offer o = link.offersTo("dev-000").get(0);
        devices.get(0).report(fleet, o.job(), JobStatus.FAILED, 0, null, "flash write error");
        assertEquals(1, fleet.phases(id).get(1).counts().get("failed"));
        assertThrows(FleetException.class, () -> fleet.phases(99));
    }

    @Test
    void aPulseCarriesTheUnfinishedRolloutsAndThoseAskedFor() {
        Fleets.devices(fleet, 3);
        String sha = fleet.upload(Fleets.image("1.1.0", 2)).sha256();
        long a = fleet.createRollout(Fleets.spec(sha, List.of("100%"), 3)).id();
        Pulse p = fleet.pulse(Set.of());
        assertEquals(3, p.devices());
        assertEquals(3, p.online());
        assertEquals(1, p.rollouts().size());
        assertEquals(a, p.rollouts().get(0).rollout().id());
        assertEquals(2, p.rollouts().get(0).phases().size());
        fleet.cancel(a);
        assertTrue(fleet.pulse(Set.of()).rollouts().isEmpty(), "a finished rollout only when asked for");
        assertEquals("cancelled", fleet.pulse(Set.of(a, 77L)).rollouts().get(0).rollout().state());
    }

    @Test
    void theChangeCounterMovesWithEveryWrite() {
        long before = fleet.changes();
        assertEquals(before, fleet.changes(), "reading changes nothing");
        fleet.overview();
        fleet.devicePage(all(0, 10));
        assertEquals(before, fleet.changes(), "views change nothing");
        Fleets.devices(fleet, 1);
        long after = fleet.changes();
        assertNotEquals(before, after);
        offline("dev-000");
        assertTrue(fleet.changes() > after);
    }

    /**
     * The device's will, a while after its hello (with several instances on PostgreSQL a will
     * close behind a hello is taken for an older connection's: Registry.HELLO_GRACE_MILLIS).
     */
    private void offline(String id) {
        clock.advance(java.time.Duration.ofMillis(Registry.HELLO_GRACE_MILLIS + 1));
        fleet.offline(id);
    }

    private int total(DeviceQuery q) {
        return fleet.devicePage(q).total();
    }
}
