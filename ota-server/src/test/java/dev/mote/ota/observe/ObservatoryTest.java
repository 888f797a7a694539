package dev.mote.ota.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.CrashReport;
import dev.mote.ota.protocol.LogBatch;
import dev.mote.ota.protocol.Metrics;
import dev.mote.ota.protocol.ShellCommand;
import dev.mote.ota.protocol.ShellReply;
import dev.mote.ota.store.Database;
import dev.mote.ota.store.DeviceStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observatory on a real database file, with a recording link instead of MQTT
 * ({@link ObservatoryPostgresTest}: the same on PostgreSQL, and two instances on it).
 */
class ObservatoryTest {
    @TempDir
    Path dir;
    Database db;
    final List<Object> sent = new CopyOnWriteArrayList<>();
    Observatory obs;
    private ObserveLink link;

    /** The database the test runs on: SQLite here. */
    Database openDatabase() throws Exception {
        return Database.open(dir.resolve("ota.db"), false);
    }

    @BeforeEach
    void open() throws Exception {
        db = openDatabase();
        db.run(() -> new DeviceStore(db).insert("d1", null));
        link = new ObserveLink() {
            @Override
            public void crashAck(String deviceId, CrashAck ack) {
                sent.add(deviceId + " " + ack);
            }

            @Override
            public void shell(String deviceId, ShellCommand command) {
                sent.add(command);
                if (deviceId.equals("d1")) {
                    // the device answers at once, from another thread, as the MQTT link would
                    new Thread(() -> obs.shellReply(deviceId, new ShellReply(command.id(), 0, false,
                            "ran " + command.line() + "\n"))).start();
                }
            }
        };
        obs = new Observatory(db, link, Clock.systemUTC(), new Observatory.Config(5, 3, Duration.ofMillis(500)));
    }

    @AfterEach
    void close() {
        db.close();
    }

    static CrashReport record(long seq, String kind) {
        return CrashReport.parse(("crash seq=" + seq + " kind=" + kind + " version=1.0.0 test=0\nbacktrace:\n"
                + "  #0  0x0000000040181114 f+0x8\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aRecordSentAgainIsStoredOnceAndAcknowledgedAgain() {
        obs.crash("d1", record(1, "panic"));
        obs.crash("d1", record(1, "panic"));      // the device missed the ack
        obs.crash("d2", record(1, "panic"));      // a device never seen before
        assertEquals(List.of("d1 CrashAck[seq=1]", "d1 CrashAck[seq=1]", "d2 CrashAck[seq=1]"), sent);
        List<ObserveRecords.CrashGroup> g = obs.crashGroups(null);
        assertEquals(1, g.size());
        assertEquals(2, g.get(0).count());
        assertEquals(2, g.get(0).devices());
        assertEquals(List.of("f"), g.get(0).frames());
        assertThrows(FleetException.class, () -> obs.crashGroup(99, 10));
    }

    @Test
    void logsAndMetricsKeepTheNewestOnly() {
        for (int i = 0; i < 4; i++) {
            obs.logs("d1", new LogBatch(1 + 3L * i, 0, List.of("l" + 3 * i, "l" + (3 * i + 1), "l" + (3 * i + 2))));
            obs.metrics("d1", new Metrics(Map.of("uptime_ms", Integer.toString(i))));
        }
        List<String> lines = new ArrayList<>();
        obs.logs("d1", 0, 100).forEach(l -> lines.add(l.line()));
        assertEquals(List.of("l7", "l8", "l9", "l10", "l11"), lines);
        var m = obs.metrics("d1", 0, 100);
        assertEquals(3, m.size());
        assertEquals("3", m.get(2).fields().get("uptime_ms"));
        long after = obs.logs("d1", 0, 100).get(3).id();
        assertEquals(1, obs.logs("d1", after, 100).size());
        assertThrows(FleetException.class, () -> obs.logs("nobody", 0, 10));
    }

    @Test
    void shellCommandsAreAuditedAnsweredOrTimedOut() {
        ObserveRecords.ShellResult r = obs.shell("d1", "admin (bob)", "ps");
        assertEquals("ran ps\n", r.output());
        assertEquals(0, r.exit());
        db.run(() -> new DeviceStore(db).insert("mute", null));
        assertThrows(Observatory.NoReplyException.class, () -> obs.shell("mute", "admin", "ps"));
        assertThrows(FleetException.class, () -> obs.shell("d1", "admin", "ps\u0007"));
        assertThrows(FleetException.class, () -> obs.shell("ghost", "admin", "ps"));
        // a late or forged reply changes nothing
        obs.shellReply("d1", new ShellReply(r.id(), 9, false, "again"));
        obs.shellReply("mute", new ShellReply(r.id(), 9, false, "not yours"));
        var audit = obs.audit(null, 10);
        assertEquals(2, audit.size());
        assertEquals("mute", audit.get(0).device());
        assertEquals(null, audit.get(0).exit());
        assertEquals("admin (bob)", audit.get(1).who());
        assertEquals(0, audit.get(1).exit());
        assertEquals(7L, audit.get(1).outputBytes());
        assertTrue(audit.get(1).answeredAt() >= audit.get(1).at());
    }
}
