package dev.mote.ota.fleet;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet on a real database file in a fresh directory, with a fake clock and link, whose engine
 * the test ticks: opened before every test (before the subclass's own set-up), closed after it.
 */
abstract class FleetFixture {
    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock();
    final FakeDeviceLink link = new FakeDeviceLink();
    FleetService fleet;

    @BeforeEach
    void openFleet() throws Exception {
        fleet = open();
    }

    /** The fleet the test runs on: on SQLite in {@link #dir} here; a subclass may open another. */
    FleetService open() throws Exception {
        return Fleets.open(dir, clock, link);
    }

    @AfterEach
    void closeFleet() {
        fleet.close();
    }
}
