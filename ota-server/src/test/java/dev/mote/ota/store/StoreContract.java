package dev.mote.ota.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.store.JobStore.NewJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the store does, the same on every database the server runs on: a subclass opens it
 * ({@link SqliteStoreTest}: a file, {@link PostgresStoreTest}: a database of a real PostgreSQL).
 * Each test gets an empty store, opened fresh.
 */
abstract class StoreContract {
    /** A store on a new, empty database (each call in one test: the same database). */
    abstract Store open() throws IOException;

    /** The same database with another list of migrations: as a newer or older server would open it. */
    abstract Database openWith(List<List<String>> migrations) throws IOException;

    private final List<AutoCloseable> opened = new ArrayList<>();

    Store store() throws IOException {
        Store s = open();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    static ImageInfo image(String sha) {
        return new ImageInfo(sha, 1000, "qemu-virt-arm64", "arm64", "app", "1.1.0", 2, "k", 1);
    }

    /** A rollout of {@code devices}, all queued in phase 1: its id. */
    static long rollout(Store s, List<String> devices) {
        return s.db().tx(() -> {
            String sha = "ab".repeat(32);
            s.images().insert(image(sha));
            for (String d : devices) {
                s.devices().insert(d, "g");
            }
            long id = s.rollouts().insert(new RolloutRow(0, "r", sha, "g", null, List.of("100%"), 10, 600, 0.95, 0.1,
                    RolloutState.RUNNING, null, 1, 1, 0, 1, 1));
            s.jobs().insertAll(id, devices.stream().map(d -> new NewJob(d, 1, JobState.QUEUED, null)).toList(), 1);
            return id;
        });
    }

    @Test
    void aNewDatabaseGetsEveryMigrationOnceAndReopens() throws Exception {
        Store s = store();
        assertEquals(Schema.current(), s.db().tx(() -> s.db().queryLong("SELECT count(*) FROM schema_version")));
        s.close();
        Store again = store();
        assertEquals(Schema.current(), again.db().tx(() -> again.db().queryLong("SELECT max(version) FROM schema_version")));
        assertEquals(Schema.current(), again.db().tx(() -> again.db().queryLong("SELECT count(*) FROM schema_version")));
    }

    @Test
    void aDatabaseFromANewerServerIsRefusedAndLeftAlone() throws Exception {
        Store s = store();
        s.db().run(() -> {
            s.devices().insert("dev-1", "g");
            s.db().update("INSERT INTO schema_version (version) VALUES (?)", Schema.current() + 1);
        });
        s.close();
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("schema version " + (Schema.current() + 1) + " is newer than this server's ("
                + Schema.current() + ")"), e.getMessage());
        List<List<String>> newer = new ArrayList<>(Schema.MIGRATIONS);
        newer.add(List.of("CREATE TABLE crash_groups (id {serial}, name {text} NOT NULL)"));
        try (Database db = openWith(newer)) {
            assertEquals(1, db.tx(() -> db.queryLong("SELECT count(*) FROM devices")), "untouched");
        }
    }

    @Test
    void aNewerServerDoesNotUpgradeUnderOlderInstancesStillRunning() throws Exception {
        Store s = store();
        s.db().run(() -> s.instances().register("old-1", "n1", false));
        s.close();
        List<List<String>> newer = new ArrayList<>(Schema.MIGRATIONS);
        newer.add(List.of("CREATE TABLE future_table (id {serial}, at {int64} NOT NULL, line {text})"));
        IOException e = assertThrows(IOException.class, () -> openWith(newer));
        assertTrue(e.getMessage().contains("in use by running instances old-1 (schema " + Schema.current() + ")"),
                e.getMessage());
        Store again = store();
        again.db().run(() -> again.db().update("UPDATE instances SET seen_at = 0")); // it stopped long ago
        again.close();
        try (Database db = openWith(newer)) {
            assertEquals(Schema.current() + 1, db.tx(() -> db.queryLong("SELECT max(version) FROM schema_version")));
            db.run(() -> db.update("INSERT INTO future_table (at, line) VALUES (1, 'ps')"));
        }
        IOException old = assertThrows(IOException.class, this::open);
        assertTrue(old.getMessage().contains("is newer than this server's"), old.getMessage());
    }

    @Test
    void foreignKeysAreEnforced() throws Exception {
        Store s = store();
        StoreException e = assertThrows(StoreException.class, () -> s.db().run(() -> s.db().update("INSERT INTO jobs"
                + " (rollout_id, device_id, phase, state, updated_at) VALUES (7, 'x', 1, 'queued', 0)")));
        assertTrue(e.getMessage().toLowerCase().contains("foreign key"), e.getMessage());
    }

    @Test
    void aFailedTransactionKeepsNothingAndRunsNothingAfter() throws Exception {
        Store s = store();
        Database db = s.db();
        List<String> ran = new ArrayList<>();
        assertThrows(IllegalStateException.class, () -> db.run(() -> {
            s.devices().insert("a", null);
            db.afterCommit(() -> ran.add("a"));
            throw new IllegalStateException("boom");
        }));
        db.run(() -> {
            s.devices().insert("b", null);
            db.afterCommit(() -> ran.add("b1"));
            db.run(() -> db.afterCommit(() -> ran.add("b2")));
            assertEquals(List.of(), ran);
        });
        assertEquals(List.of("b1", "b2"), ran);
        assertEquals(List.of("b"), db.tx(() -> db.query("SELECT id FROM devices", rs -> rs.getString(1))));
        assertThrows(IllegalStateException.class, () -> db.update("DELETE FROM devices"), "only inside tx");
        assertNull(db.problem());
    }

    @Test
    void idsGrowAndAreNeverReused() throws Exception {
        Store s = store();
        long first = rollout(s, List.of("d1", "d2"));
        List<Long> jobs = s.db().tx(() -> s.jobs().ofRollout(first).stream().map(j -> j.id()).toList());
        assertTrue(jobs.get(1) > jobs.get(0), jobs.toString());
        s.db().run(() -> {
            s.db().update("DELETE FROM jobs WHERE rollout_id = ?", first);
            s.db().update("DELETE FROM rollouts WHERE id = ?", first);
        });
        long second = s.db().tx(() -> s.rollouts().insert(new RolloutRow(0, "r2", "ab".repeat(32), "g", null,
                List.of("100%"), 10, 600, 0.95, 0.1, RolloutState.RUNNING, null, 1, 1, 0, 1, 1)));
        assertTrue(second > first, second + " after " + first);
        assertEquals(0.95, s.db().tx(() -> s.rollouts().find(second)).successThreshold(), "a double stays a double");
    }

    @Test
    void aJobMovesOnlyFromTheStateItWasReadIn() throws Exception {
        Store s = store();
        long r = rollout(s, List.of("d1"));
        long job = s.db().tx(() -> s.jobs().ofRollout(r).get(0).id());
        assertTrue(s.db().tx(() -> s.jobs().move(job, JobState.QUEUED, JobState.OFFERED, 0, null, 5, 5)));
        assertFalse(s.db().tx(() -> s.jobs().move(job, JobState.QUEUED, JobState.OFFERED, 0, null, 6, 6)),
                "offered twice");
        // a confirm and a deadline at the same moment, on two connections (two instances): one wins
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Boolean>> racers = List.of(
                    () -> s.db().tx(() -> await(go) && s.jobs().move(job, JobState.OFFERED, JobState.CONFIRMED, 1000,
                            null, -1, 7)),
                    () -> s.db().tx(() -> await(go) && s.jobs().move(job, JobState.OFFERED, JobState.FAILED, -1,
                            "deadline", -1, 7)));
            List<Future<Boolean>> results = new ArrayList<>();
            for (Callable<Boolean> c : racers) {
                results.add(two.submit(c));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : results) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won, "exactly one of the two moves");
        } finally {
            two.shutdownNow();
        }
        String state = s.db().tx(() -> s.jobs().find(job)).state();
        assertTrue(state.equals("confirmed") || state.equals("failed"), state);
        s.db().run(() -> s.jobs().setBytes(job, 5, 8));
        assertNotEquals(5, s.db().tx(() -> s.jobs().find(job)).bytes(), "an ended job's bytes stay");
    }

    private static boolean await(CountDownLatch l) {
        try {
            l.await();
            return true;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void devicesSortByTheirBytesAndTagsAndCountersBehave() throws Exception {
        Store s = store();
        s.db().run(() -> {
            for (String id : List.of("b-1", "A-1", "a-1", "B-1", "0-1")) {
                assertTrue(s.devices().insert(id, "g"));
            }
            assertFalse(s.devices().insert("a-1", "other"), "there already");
            s.devices().setTags("a-1", List.of("x", "x", "y"));
            s.devices().hello("a-1", "p", "1.0.0", 7, "a", 4096, 10);
            s.devices().running("a-1", "1.1.0", 5);
        });
        assertEquals(List.of("0-1", "A-1", "B-1", "a-1", "b-1"),
                s.db().tx(() -> s.devices().list("g", null, null, null)).stream().map(DeviceRow::id).toList());
        DeviceRow a = s.db().tx(() -> s.devices().find("a-1"));
        assertEquals(7, a.counter(), "a counter never goes down");
        assertEquals("1.1.0", a.version());
        assertTrue(a.online());
        assertEquals(List.of("x", "y"), s.db().tx(() -> s.devices().tags("a-1")));
        s.db().run(() -> s.devices().offline("a-1", 11, 9)); // a will older than the hello at 10
        assertTrue(s.db().tx(() -> s.devices().find("a-1")).online());
        s.db().run(() -> s.devices().offline("a-1", 12, Long.MAX_VALUE));
        assertFalse(s.db().tx(() -> s.devices().find("a-1")).online());
    }

    @Test
    void imagesAreStoredWholeAndOnce() throws Exception {
        Store s = store();
        String sha = "cd".repeat(32);
        assertFalse(s.files().exists(sha));
        byte[] bytes = new byte[300_000];
        bytes[299_999] = 7;
        s.files().write(sha, bytes);
        s.files().write(sha, bytes);
        assertTrue(s.files().exists(sha));
        assertEquals(7, s.files().read(sha)[299_999]);
        assertThrows(IOException.class, () -> s.files().read("ef".repeat(32)));
        assertTrue(s.db().tx(() -> s.images().insert(image(sha))));
        assertFalse(s.db().tx(() -> s.images().insert(image(sha))), "another instance stored it first");
        assertEquals(List.of(sha), s.db().tx(() -> s.images().withPrefix("cdcd")).stream().map(ImageInfo::sha256)
                .toList());
    }

    @Test
    void aLeaseHasOneHolderAndFencesTheOneThatLostIt() throws Exception {
        Store s = store();
        LeaseStore l = s.leases();
        long e1 = s.db().tx(() -> l.acquire("engine", "a", 60_000));
        assertTrue(e1 > 0);
        assertEquals(0, s.db().tx(() -> l.acquire("engine", "b", 60_000)), "held by a");
        assertTrue(s.db().tx(() -> l.fence("engine", "a", e1)));
        assertTrue(s.db().tx(() -> l.renew("engine", "a", e1, 60_000)));
        assertEquals("a@" + e1, s.db().tx(() -> l.holder("engine")));
        s.db().run(() -> l.release("engine", "a", e1));
        long e2 = s.db().tx(() -> l.acquire("engine", "b", 300));
        assertEquals(e1 + 1, e2);
        assertFalse(s.db().tx(() -> l.fence("engine", "a", e1)), "a lost it");
        assertFalse(s.db().tx(() -> l.renew("engine", "a", e1, 60_000)));
        Thread.sleep(600); // b's lease runs out on the database's clock
        assertFalse(s.db().tx(() -> l.fence("engine", "b", e2)));
        assertFalse(s.db().tx(() -> l.renew("engine", "b", e2, 60_000)), "too late to renew");
        assertEquals(e2 + 1, s.db().tx(() -> l.acquire("engine", "a", 60_000)));
    }

    @Test
    void instancesAndSettings() throws Exception {
        Store s = store();
        s.db().run(() -> {
            s.instances().register("one", "n1", false);
            s.instances().register("two", "n2", true);
        });
        List<InstanceStore.Instance> live = s.db().tx(() -> s.instances().live());
        assertEquals(List.of("one", "two"), live.stream().map(InstanceStore.Instance::name).toList());
        assertTrue(live.get(1).embeddedBroker());
        assertEquals(Schema.current(), live.get(0).schema());
        assertTrue(s.db().tx(() -> s.instances().heartbeat("one", "n1")));
        assertFalse(s.db().tx(() -> s.instances().heartbeat("one", "other-process")));
        s.db().run(() -> s.instances().remove("two", "n2"));
        assertEquals(1, s.db().tx(() -> s.instances().live()).size());
        assertEquals("f1", s.db().tx(() -> s.settings().putIfAbsent("fp", "f1")));
        assertEquals("f1", s.db().tx(() -> s.settings().putIfAbsent("fp", "f2")), "written once");
    }

    @Test
    void crashesLogsAndTheShellAuditAreStoredOnce() throws Exception {
        Store s = store();
        long r = rollout(s, List.of("d1"));
        ObserveStore o = new ObserveStore(s.db());
        s.db().run(() -> {
            long g = o.group("sig", "panic", "f<g", "1.1.0", 10);
            assertEquals(g, o.group("sig", "panic", "f<g", "1.1.0", 11), "the group there already");
            Long job = o.jobFor("d1", "1.1.0");
            assertNotEquals(null, job);
            assertNotEquals(null, o.addCrash(g, "d1", 1, "dg", 12, 5, true, job, 0, "crash seq=1"));
            assertNull(o.addCrash(g, "d1", 1, "dg", 13, 5, true, job, 0, "crash seq=1"), "stored already");
            assertTrue(o.hasCrash("d1", 1, "dg"));
        });
        ObserveStore.GroupRow g = s.db().tx(() -> o.groups("d1")).get(0);
        assertEquals(1, g.count(), "counted once");
        assertEquals(1, g.devices());
        List<ObserveStore.CrashRow> crashes = s.db().tx(() -> o.crashes(g.id(), 10));
        assertTrue(crashes.get(0).testBoot());
        assertEquals(List.of(r), s.db().tx(() -> o.jobs(g.id())).stream().map(j -> j[1]).toList());
        long a1 = s.db().tx(() -> o.addAudit("d1", "bob", 20, "ps"));
        long a2 = s.db().tx(() -> o.addAudit("d1", "bob", 21, "top"));
        assertTrue(s.db().tx(() -> o.answer(a1, "d1", 3, 22, 100)));
        assertFalse(s.db().tx(() -> o.answer(a1, "d1", 0, 23, 1)), "answered already");
        assertFalse(s.db().tx(() -> o.answer(a2, "d2", 0, 23, 1)), "not d2's command");
        List<ObserveStore.AuditRow> audit = s.db().tx(() -> o.audit("d1", 10));
        assertEquals(List.of(a2, a1), audit.stream().map(ObserveStore.AuditRow::id).toList());
        assertNull(audit.get(0).exit());
        assertNull(audit.get(0).outputBytes());
        assertEquals(3, audit.get(1).exit());
        assertEquals(100L, audit.get(1).outputBytes());
        s.db().run(() -> {
            o.addLogs("d1", 30, 1, List.of("a", "b", "c", "d"), 3);
            o.addMetrics("d1", 31, "uptime_ms=1", 2);
            o.addMetrics("d1", 32, "uptime_ms=2", 2);
            o.addMetrics("d1", 33, "uptime_ms=3", 2);
        });
        assertEquals(List.of("b", "c", "d"), s.db().tx(() -> o.logs("d1", 0, 10)).stream()
                .map(ObserveStore.LineRow::line).toList());
        assertEquals(List.of("uptime_ms=2", "uptime_ms=3"), s.db().tx(() -> o.metrics("d1", 0, 10)).stream()
                .map(ObserveStore.LineRow::line).toList());
    }
}
