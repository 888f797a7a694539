package dev.mote.ota.fleet;

import dev.mote.ota.store.InstanceStore;
import dev.mote.ota.store.InstanceStore.Instance;
import dev.mote.ota.store.Store;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * This server among the instances sharing a PostgreSQL database: its row in the instances table,
 * refreshed every {@link #BEAT_MILLIS}, and the rollout engine's lease, which one instance at a
 * time holds for {@link #TTL_MILLIS} and renews at every beat. When the holder dies, its lease
 * runs out and the next instance to beat takes it: within TTL + one beat (about 6 s).
 * Every engine transaction starts with {@link #fence} (the lease's epoch, checked and locked in
 * that transaction), so an instance that was paused past its expiry acts on nothing.
 *
 * <p>With SQLite there is one server per data directory (its lock file): {@link #sole} leads
 * always and touches nothing.
 */
public final class Cluster implements AutoCloseable {
    /** How an instance joins: its name (unique among the live ones) and whether it embeds its broker. */
    public record Member(String name, boolean embeddedBroker) {
        public static final Member DEFAULT = new Member("default", false);
    }

    /** Thrown inside an engine transaction that no longer holds the lease: it rolls back. */
    static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost() {
            super("this instance no longer holds the rollout engine's lease", null, false, false);
        }
    }

    static final String ENGINE = "rollout-engine";
    static final long TTL_MILLIS = 5_000;
    static final long BEAT_MILLIS = 1_000;
    /** Stop acting this long before the lease would run out, by this process's own clock. */
    private static final long MARGIN_MILLIS = 1_500;

    private final Store store;
    private final Member member;
    private final String nonce;
    private final String holder;
    private final Runnable onLead;
    private volatile long epoch;
    private volatile long renewedAt;
    private long lastBeat;
    private ScheduledExecutorService timer;

    private Cluster(Store store, Member member, Runnable onLead) {
        this.store = store;
        this.member = member;
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        this.nonce = HexFormat.of().formatHex(b);
        this.holder = member == null ? null : member.name() + "/" + nonce;
        this.onLead = onLead;
    }

    /** The only server (SQLite): always leads. */
    static Cluster sole() {
        return new Cluster(null, null, null);
    }

    /** A member of the instances on {@code store}; {@code onLead} runs each time it takes the lease. */
    static Cluster of(Store store, Member member, Runnable onLead) {
        return new Cluster(store, member, onLead);
    }

    boolean isSole() {
        return store == null;
    }

    String name() {
        return member == null ? null : member.name();
    }

    /**
     * Registers this instance, after waiting (up to {@link InstanceStore#LIVE_MILLIS} and two beats)
     * for a dead process of the same name (killed, restarting) to fall silent. Refuses when the
     * name is taken by a live process (its row is refreshed while this waits), and when an embedded
     * broker would be shared: devices connected to one instance's embedded broker are out of reach
     * of every other instance.
     */
    void join() throws IOException {
        if (isSole()) {
            return;
        }
        long until = System.nanoTime() + (InstanceStore.LIVE_MILLIS + 2 * BEAT_MILLIS) * 1_000_000;
        long firstSeen = -1;
        long firstAt = 0;
        while (true) {
            Object[] r = store.db().tx(() -> {
                    store.instances().lockMembership();
                    List<Instance> live = store.instances().live();
                    for (Instance i : live) {
                        if (i.name().equals(member.name())) {
                            return new Object[] {i, null};
                        }
                    }
                    String why = refusal(live);
                    if (why == null) {
                        store.instances().register(member.name(), nonce, member.embeddedBroker());
                    }
                    return new Object[] {null, why};
                });
            Instance same = (Instance) r[0];
            String refusal = (String) r[1];
            if (same == null && refusal == null) {
                Logger.info("instance '{}' joined ({} on {})", member.name(), holder, store.db().dialect());
                return;
            }
            if (refusal != null) {
                throw new IOException(refusal);
            }
            // A process of this name: one that died a moment ago (its row goes stale), or one alive (it beats).
            long now = System.nanoTime();
            if (firstSeen < 0) {
                firstSeen = same.seenAgoMillis();
                firstAt = now;
            } else if (same.seenAgoMillis() + 500 < firstSeen + (now - firstAt) / 1_000_000 || now > until) {
                throw new IOException("instance '" + member.name() + "' is already running against this database"
                        + " (heard from " + same.seenAgoMillis() + " ms ago): give each instance its own --instance NAME");
            }
            sleep(500);
        }
    }

    /** Why this instance may not join the live ones, or null. */
    private String refusal(List<Instance> live) {
        List<String> others = live.stream().map(Instance::name).toList();
        if (member.embeddedBroker() && !others.isEmpty()) {
            return "instances " + others + " already run against this database, and the embedded broker serves one"
                    + " instance only: give every instance --broker tcp://HOST:PORT (Mosquitto, EMQX, ...)";
        }
        for (Instance i : live) {
            if (i.embeddedBroker()) {
                return "instance '" + i.name() + "' runs with its embedded broker, which serves one instance only:"
                        + " stop it, and give every instance --broker tcp://HOST:PORT";
            }
        }
        return null;
    }

    /** Beats every {@link #BEAT_MILLIS} on a thread of its own, until {@link #close}. */
    void startBeating() {
        if (isSole()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mote-ota-cluster");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::beatQuietly, 0, BEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A beat, when the last one is a beat's time ago (the engine driven by hand, in tests). */
    void beatIfDue() {
        if (!isSole() && timer == null && System.nanoTime() - lastBeat >= BEAT_MILLIS * 1_000_000) {
            beatQuietly();
        }
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            // the database is unreachable (health says so): the lease runs out, another instance leads
            if (epoch != 0 && System.nanoTime() - renewedAt > (TTL_MILLIS - MARGIN_MILLIS) * 1_000_000) {
                Logger.warn("rollout engine: lease lost (the database does not answer: {})", e.getMessage());
                epoch = 0;
            }
        }
    }

    /** Refreshes this instance's row, renews the lease or tries to take it. */
    void beat() {
        lastBeat = System.nanoTime();
        boolean led = epoch != 0;
        long taken = store.db().tx(() -> {
            if (!store.instances().heartbeat(member.name(), nonce)) {
                store.instances().register(member.name(), nonce, member.embeddedBroker()); // its row was dropped
            }
            if (epoch != 0) {
                return store.leases().renew(ENGINE, holder, epoch, TTL_MILLIS) ? epoch : 0L;
            }
            return store.leases().acquire(ENGINE, holder, TTL_MILLIS);
        });
        if (taken != 0) {
            renewedAt = lastBeat;
        }
        epoch = taken;
        if (led && taken == 0) {
            Logger.warn("rollout engine: lease lost; another instance leads now");
        } else if (!led && taken != 0) {
            Logger.info("rollout engine: instance '{}' leads (lease epoch {})", member.name(), taken);
            onLead.run();
        }
    }

    /** Whether this instance runs the rollout engine now (always, alone). */
    boolean leads() {
        return isSole() || epoch != 0 && System.nanoTime() - renewedAt < (TTL_MILLIS - MARGIN_MILLIS) * 1_000_000;
    }

    /** Inside an engine transaction: goes on only if the lease is still this instance's, and holds it until the commit. */
    void fence() {
        if (isSole()) {
            return;
        }
        long e = epoch;
        if (e == 0 || !store.leases().fence(ENGINE, holder, e)) {
            throw new LeaseLost();
        }
    }

    /** The lease's epoch (0 while not leading; 1 alone). */
    long epoch() {
        return isSole() ? 1 : epoch;
    }

    /** Leaves: gives the lease up at once (another instance leads within a beat) and removes the row. */
    @Override
    public void close() {
        if (isSole()) {
            return;
        }
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long e = epoch;
        epoch = 0;
        try {
            store.db().run(() -> {
                if (e != 0) {
                    store.leases().release(ENGINE, holder, e);
                }
                store.instances().remove(member.name(), nonce);
            });
        } catch (RuntimeException ex) {
            Logger.warn("leaving: {}", ex.getMessage());
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while joining", e);
        }
    }
}
