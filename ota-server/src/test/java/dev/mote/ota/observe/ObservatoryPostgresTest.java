package dev.mote.ota.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.ShellCommand;
import dev.mote.ota.protocol.ShellReply;
import dev.mote.ota.store.Database;
import dev.mote.ota.store.PostgresCluster;
import dev.mote.ota.store.PostgresUrl;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ObservatoryTest} on PostgreSQL (a fresh database of the test run's cluster), and what
 * only several instances on one database do: store the same crash side by side, and answer a
 * shell command that another instance sent.
 */
class ObservatoryPostgresTest extends ObservatoryTest {
    private PostgresUrl url;
    private final List<Database> others = new ArrayList<>();

    @Override
    Database openDatabase() throws Exception {
        url = PostgresCluster.shared().newDatabase();
        return Database.open(url);
    }

    @AfterEach
    void closeOthers() {
        others.forEach(Database::close);
    }

    /** Another instance's observatory on the same database. */
    private Observatory another(ObserveLink link) throws Exception {
        Database d = Database.open(url);
        others.add(d);
        return new Observatory(d, link, Clock.systemUTC(), new Observatory.Config(5, 3, Duration.ofMillis(2000)));
    }

    /** A link whose shell replies every instance hears (MqttLink with shared subscriptions). */
    private static ObserveLink link(List<Object> sent, java.util.function.Consumer<ShellCommand> shell) {
        return new ObserveLink() {
            @Override
            public void crashAck(String deviceId, CrashAck ack) {
                sent.add(deviceId + " " + ack);
            }

            @Override
            public void shell(String deviceId, ShellCommand command) {
                shell.accept(command);
            }

            @Override
            public boolean everyInstanceHearsShellReplies() {
                return true;
            }
        };
    }

    @Test
    void twoInstancesStoreTheSameCrashesOnce() throws Exception {
        List<Object> acks = new CopyOnWriteArrayList<>();
        Observatory a = another(link(acks, c -> { }));
        Observatory b = another(link(acks, c -> { }));
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int seq = 1; seq <= 20; seq++) {
                // the device sent it twice (it missed the ack), and each copy went to another instance
                CountDownLatch go = new CountDownLatch(1);
                long s = seq;
                String dev = "new-" + (seq % 3);
                List<Future<?>> f = List.of(
                        two.submit(() -> { go.await(); a.crash(dev, record(s, "panic")); return null; }),
                        two.submit(() -> { go.await(); b.crash(dev, record(s, "panic")); return null; }));
                go.countDown();
                for (Future<?> x : f) {
                    x.get();
                }
            }
        } finally {
            two.shutdownNow();
        }
        assertEquals(40, acks.size(), "every copy committed and acknowledged: " + acks);
        List<ObserveRecords.CrashGroup> g = obs.crashGroups(null);
        assertEquals(1, g.size(), "one group, created once");
        assertEquals(20, g.get(0).count(), "each crash counted once");
        assertEquals(3, g.get(0).devices());
        assertEquals(20, obs.crashGroup(g.get(0).id(), 100).crashes().size());
    }

    @Test
    void aShellReplyHeardByAnotherInstanceFirstStillAnswersTheOneThatWaits() throws Exception {
        Observatory[] pair = new Observatory[2];
        List<Object> none = new CopyOnWriteArrayList<>();
        // the device answers at once; the broker hands the reply to both, the other instance first
        pair[0] = another(link(none, c -> new Thread(() -> {
            ShellReply r = new ShellReply(c.id(), 0, false, "ran " + c.line() + "\n");
            pair[1].shellReply("d1", r);
            pair[0].shellReply("d1", r);
        }).start()));
        pair[1] = another(link(none, c -> { }));
        for (int i = 0; i < 5; i++) {
            ObserveRecords.ShellResult r = pair[0].shell("d1", "admin", "echo " + i);
            assertEquals("ran echo " + i + "\n", r.output());
        }
        var audit = obs.audit("d1", 10);
        assertEquals(5, audit.size());
        for (var a : audit) {
            assertEquals(0, a.exit(), a.toString());
            assertTrue(a.answeredAt() >= a.at());
        }
    }
}
