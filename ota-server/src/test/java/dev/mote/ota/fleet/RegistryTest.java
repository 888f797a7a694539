package dev.mote.ota.fleet;

import static dev.mote.ota.fleet.FleetException.Reason.BAD_REQUEST;
import static dev.mote.ota.fleet.FleetException.Reason.NOT_FOUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.DeviceFilter;
import dev.mote.ota.fleet.Records.DeviceInfo;
import dev.mote.ota.fleet.Records.HistoryEntry;
import dev.mote.sdk.testing.TestImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTest extends FleetFixture {
    @Test
    void aDeviceAppearsOnItsFirstHello() {
        long t0 = clock.millis();
        new FakeDevice("sensor-1", TestImage.ARM, "1.0.0", 2).hello(fleet);
        assertEquals(new DeviceInfo("sensor-1", null, List.of(), TestImage.ARM, "1.0.0", 2, "a", true, t0, t0,
                null), fleet.device("sensor-1"));
        assertEquals(List.of(new HistoryEntry(t0, "first seen", null, TestImage.ARM
                + " 1.0.0 (counter 2, slot a)")), fleet.history("sensor-1"));
    }

    @Test
    void helloUpdatesItAndANewVersionGoesToHistory() {
        FakeDevice d = new FakeDevice("sensor-1", TestImage.ARM, "1.0.0", 2);
        d.hello(fleet);
        long t0 = clock.millis();
        clock.advance(Duration.ofMinutes(1));
        d.hello(fleet); // a reconnect: no history
        fleet.offline(d.id);
        assertFalse(fleet.device(d.id).online());
        clock.advance(Duration.ofMinutes(1));
        d.version = "1.1.0";
        d.counter = 3;
        d.slot = 'b';
        d.hello(fleet);
        DeviceInfo info = fleet.device(d.id);
        assertEquals("1.1.0", info.version());
        assertEquals(3, info.securityCounter());
        assertEquals("b", info.slot());
        assertTrue(info.online());
        assertEquals(t0, info.firstSeen());
        assertEquals(clock.millis(), info.lastSeen());
        List<HistoryEntry> h = fleet.history(d.id);
        assertEquals(2, h.size());
        assertEquals(new HistoryEntry(clock.millis(), "version", null, "1.0.0 -> " + TestImage.ARM
                + " 1.1.0 (counter 3, slot b)"), h.get(1));
    }

    @Test
    void provisionedDevicesHaveAGroupAndTagsBeforeTheyAreSeen() {
        DeviceInfo p = fleet.provision("sensor-2", "lab", List.of("beta", "alpha", "beta"));
        assertEquals(new DeviceInfo("sensor-2", "lab", List.of("alpha", "beta"), null, null, 0, null, false, 0, 0,
                null), p);
        new FakeDevice("sensor-2", TestImage.ARM, "1.0.0", 0).hello(fleet);
        new FakeDevice("sensor-3", TestImage.ARM, "1.0.0", 0).hello(fleet);
        assertEquals("lab", fleet.device("sensor-2").group());
        assertEquals(List.of("provisioned", "first seen"),
                fleet.history("sensor-2").stream().map(HistoryEntry::event).toList());

        fleet.label("sensor-3", "field", List.of("beta"));
        assertEquals(List.of("sensor-2"), ids(new DeviceFilter("lab", null, null, null)));
        assertEquals(List.of("sensor-2", "sensor-3"), ids(new DeviceFilter(null, "beta", null, null)));
        assertEquals(List.of("sensor-3"), ids(new DeviceFilter("field", "beta", TestImage.ARM, true)));
        assertEquals(List.of(), ids(new DeviceFilter(null, null, "pc-x86_64", null)));
        assertEquals(List.of("sensor-2", "sensor-3"), ids(DeviceFilter.ALL));
        assertEquals(List.of("sensor-2", "sensor-3"), ids(null));

        DeviceInfo relabelled = fleet.label("sensor-2", null, List.of());
        assertNull(relabelled.group());
        assertEquals(List.of(), relabelled.tags());
        // provision of a known device updates its labels
        assertEquals("lab", fleet.provision("sensor-3", "lab", null).group());
    }

    @Test
    void refusalsSayWhat() {
        assertEquals(NOT_FOUND, assertThrows(FleetException.class, () -> fleet.device("nope")).reason());
        assertEquals(NOT_FOUND, assertThrows(FleetException.class, () -> fleet.history("nope")).reason());
        assertEquals(NOT_FOUND, assertThrows(FleetException.class, () -> fleet.label("nope", "g", null)).reason());
        assertEquals(BAD_REQUEST,
                assertThrows(FleetException.class, () -> fleet.provision("bad id", null, null)).reason());
        assertEquals(BAD_REQUEST,
                assertThrows(FleetException.class, () -> fleet.provision("ok", "a group", null)).reason());
        FleetException e = assertThrows(FleetException.class, () -> fleet.provision("ok", null, List.of("x,y")));
        assertTrue(e.getMessage().startsWith("tag 'x,y': "), e.getMessage());
    }

    @Test
    void eventsFromAnInvalidIdAreIgnored() {
        new FakeDevice("bad/id", TestImage.ARM, "1.0.0", 0).hello(fleet);
        fleet.offline("nobody");
        assertEquals(List.of(), fleet.devices(DeviceFilter.ALL));
    }

    private List<String> ids(DeviceFilter f) {
        return fleet.devices(f).stream().map(DeviceInfo::id).toList();
    }
}
