package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.ota.fleet.Records.DevicePage;
import dev.mote.ota.fleet.Records.DeviceQuery;
import dev.mote.ota.store.PostgresCluster;
import dev.mote.ota.store.Store;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's views ({@link ViewsTest}) on PostgreSQL, a fresh database of the test run's
 * cluster each test: the same answers as on SQLite, the text search's case, the sort order and
 * the change counter included (labels and ids are ASCII: the search folds the case of ASCII
 * letters on both).
 */
class ViewsPostgresTest extends ViewsTest {
    @Override
    FleetService open() throws Exception {
        return Fleets.open(Store.open(PostgresCluster.shared().newDatabase()), clock, link);
    }

    @Test
    void idsSortByTheirBytesAndTheSearchIgnoresCase() {
        for (String id : List.of("b-1", "A-1", "a-1", "B-1", "0-1", "Z_1")) {
            new FakeDevice(id, dev.mote.sdk.testing.TestImage.ARM, "1.0.0", 1).hello(fleet);
        }
        DevicePage p = fleet.devicePage(new DeviceQuery(null, null, null, null, null, null, null, 0, 10));
        assertEquals(List.of("0-1", "A-1", "B-1", "Z_1", "a-1", "b-1"), p.devices().stream().map(d -> d.id()).toList());
        assertEquals(2, fleet.devicePage(new DeviceQuery("a-", null, null, null, null, null, null, 0, 10)).total());
        assertEquals(1, fleet.devicePage(new DeviceQuery("z_", null, null, null, null, null, null, 0, 10)).total());
    }
}
