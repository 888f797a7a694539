package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.DeviceFilter;
import dev.mote.ota.fleet.Records.DeviceInfo;
import dev.mote.ota.fleet.Records.HistoryEntry;
import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.StateReport;
import dev.mote.ota.protocol.Topics;
import dev.mote.ota.store.DeviceRow;
import dev.mote.ota.store.JobState;
import dev.mote.ota.store.RolloutRow;
import dev.mote.ota.store.Store;
import dev.mote.sdk.image.VerifyKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.tinylog.Logger;

/**
 * The fleet: image repository, device registry and rollouts over one data directory
 * (DATA_DIR/ota.db + DATA_DIR/images/). The REST API and CLI use it as {@link Fleet}, the MQTT
 * link feeds it as {@link DeviceEvents} and is told what to send through {@link DeviceLink}.
 *
 * <p>Everything it knows is in the database; memory holds only what the database implies (the
 * devices' active jobs, for chunk requests) and is rebuilt from it here. So a new instance on
 * the same directory, after {@link #close} or kill -9, carries on where the last one stopped:
 * {@link #start} sends the offers of unfinished downloads again and the engine goes on.
 *
 * <p>On PostgreSQL ({@link Store#shared}) several instances share the database: each handles the
 * device messages and REST calls that come to it, one at a time runs the engine ({@link Cluster}),
 * and the one that takes the engine over sends the offers of unfinished downloads again.
 *
 * <pre>
 * FleetService fleet = new FleetService(dir, keys, link, Clock.systemUTC(), FleetConfig.DEFAULTS);
 * fleet.start();
 * ...
 * fleet.close();
 * </pre>
 */
public final class FleetService implements Fleet, DeviceEvents, AutoCloseable {
    private final Store store;
    private final FleetConfig config;
    private final Clock clock;
    private final ActiveJobs active = new ActiveJobs();
    private final Outbox outbox;
    private final ImageRepository images;
    private final Registry registry;
    private final JobActions actions;
    private final Rollouts rollouts;
    private final RolloutEngine engine;
    private final DeviceReports reports;
    private final Views views;
    private final Complaints complaints = new Complaints();
    private final Cluster cluster;
    private final Object wakeLock = new Object();
    private boolean woken;
    private volatile boolean running;
    private boolean joined;
    private long lastOutageLog;
    /** When the database became unreachable for device events (System.nanoTime), 0 while it answers. */
    private volatile long outageSince;
    private Thread thread;

    /**
     * Opens {@code dataDir} (creating it), trusting images signed by {@code trusted}. Nothing
     * is sent and no rollout moves until {@link #start}.
     */
    public FleetService(Path dataDir, List<VerifyKey> trusted, DeviceLink link, Clock clock, FleetConfig config)
            throws IOException {
        this(openStore(dataDir, config), trusted, link, clock, config, Cluster.Member.DEFAULT);
    }

    private static Store openStore(Path dataDir, FleetConfig config) throws IOException {
        return Store.open(dataDir, config.fullSync());
    }

    /**
     * The fleet on {@code store} (which it closes), which may be shared with other instances: this
     * one joins them as {@code member} at {@link #start}.
     */
    public FleetService(Store store, List<VerifyKey> trusted, DeviceLink link, Clock clock, FleetConfig config,
                        Cluster.Member member) {
        if (trusted == null || trusted.isEmpty()) {
            closeQuietly(store);
            throw new IllegalArgumentException("trusted keys: at least one public key is needed to accept images");
        }
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.cluster = store.shared() ? Cluster.of(store, member, this::resumeDownloads) : Cluster.sole();
        this.outbox = new Outbox(link);
        this.images = new ImageRepository(store, trusted, clock, config.cachedImages());
        this.registry = new Registry(store, active, clock);
        this.actions = new JobActions(store, active, outbox, config);
        this.rollouts = new Rollouts(store, images, actions, clock, this::wake);
        this.engine = new RolloutEngine(store, actions, clock, cluster, config.nudgeMillis());
        this.reports = new DeviceReports(store, actions, complaints);
        this.views = new Views(store, rollouts);
        try {
            store.db().run(() -> {
                for (JobInfo j : store.jobs().inFlight(0)) {
                    active.put(j.device(), j.id(), store.rollouts().find(j.rollout()).image(),
                            actions.chunkFor(store.devices().find(j.device()).maxChunk()), config.window());
                }
            });
        } catch (RuntimeException e) {
            closeQuietly(store);
            throw e;
        }
    }

    private static void closeQuietly(Store store) {
        try {
            store.close();
        } catch (IOException | RuntimeException e) {
            Logger.debug(e, "closing the store");
        }
    }

    /**
     * Checks that this server derives device passwords from the same fleet secret as the others on
     * the database ({@code fingerprint}: a one-way function of it), recording it the first time:
     * an instance with another data directory's secrets would refuse every device.
     */
    public void checkFleetSecret(String fingerprint) throws IOException {
        String known = store.db().tx(() -> store.settings().putIfAbsent("fleet_secret_fingerprint", fingerprint));
        if (!fingerprint.equals(known)) {
            throw new IOException("this server's fleet secret (fleet-secret in its data directory) is not the one"
                    + " the database was set up with: copy fleet-secret, mqtt-server-password and admin.token from"
                    + " the first instance's data directory");
        }
    }

    /**
     * Re-sends the offer of every job not yet installed whose device is online (the device
     * resumes from the bytes it holds), then starts the engine thread (unless
     * {@link FleetConfig#tickMillis} is 0).
     */
    public synchronized void start() throws IOException {
        if (running) {
            throw new IllegalStateException("already started");
        }
        join();
        running = true;
        if (cluster.isSole()) {
            resumeDownloads();
        } else if (config.tickMillis() > 0) {
            cluster.startBeating();
        } else {
            cluster.beatIfDue();
        }
        if (config.tickMillis() > 0) {
            thread = new Thread(this::loop, "mote-ota-rollouts");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Joins the other instances on the database (refused: IOException saying why); {@link #start}
     * does it if it was not done before.
     */
    public synchronized void join() throws IOException {
        if (!joined) {
            cluster.join();
            joined = true;
        }
    }

    /**
     * Sends the offer of every job not yet installed whose device is online again: at start, or
     * when this instance takes the engine over from one that died (and may have died before
     * sending what it had committed).
     */
    private void resumeDownloads() {
        store.db().run(() -> {
            for (JobInfo j : store.jobs().inFlight(0)) {
                DeviceRow d = store.devices().find(j.device());
                if (d.online() && JobState.fromWire(j.state()).beforeInstall()) {
                    RolloutRow r = store.rollouts().find(j.rollout());
                    actions.resend(j, r, store.images().find(r.image()), d.maxChunk());
                }
            }
        });
        outbox.drain();
        wake();
    }

    /** The fleet's database, for what shares it (dev.mote.ota.observe). */
    public dev.mote.ota.store.Database database() {
        return store.db();
    }

    /** One pass of the rollout engine, now, in the caller's thread. */
    public void tick() {
        cluster.beatIfDue();
        engine.tick();
        outbox.drain();
    }

    /** This instance among the others: its name, whether it runs the engine now, the lease's epoch. */
    public java.util.Map<String, Object> role() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("instance", cluster.isSole() ? null : cluster.name());
        m.put("engine", cluster.leads());
        m.put("leaseEpoch", cluster.epoch());
        m.put("database", store.db().dialect().name().toLowerCase(java.util.Locale.ROOT));
        long[] commits = store.db().commits();
        m.put("dbCommits", commits[0]);
        m.put("dbWriteCommits", commits[1]);
        return m;
    }

    private void loop() {
        while (running) {
            synchronized (wakeLock) {
                if (!woken) {
                    try {
                        wakeLock.wait(config.tickMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
            if (!running) {
                return;
            }
            try {
                tick();
            } catch (RuntimeException e) {
                if (!store.db().unreachable(e)) {
                    Logger.error(e, "rollout engine: pass failed");
                } else if (System.nanoTime() - lastOutageLog > 10_000_000_000L) {
                    lastOutageLog = System.nanoTime();
                    Logger.warn("rollout engine: the database is unreachable ({}); trying again", e.getMessage());
                }
            }
        }
    }

    /** Something changed that the engine should look at now rather than at its next tick. */
    private void wake() {
        synchronized (wakeLock) {
            woken = true;
            wakeLock.notifyAll();
        }
    }

    @Override
    public void close() {
        stopEngine();
        outbox.drain();
        cluster.close();
        closeStore();
    }

    private void stopEngine() {
        running = false;
        wake();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeStore() {
        try {
            store.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- DeviceEvents: called by the MQTT link's threads ----

    @Override
    public void hello(String deviceId, Hello hello) {
        event(deviceId, "hello", () -> {
            long now = clock.millis();
            registry.hello(deviceId, hello, now);
            reports.hello(deviceId, hello, now);
            // Online now: a queued job may be offered to it.
            store.db().afterCommit(this::wake);
        });
    }

    @Override
    public void state(String deviceId, StateReport report) {
        event(deviceId, "state", () -> {
            if (reports.state(deviceId, report, clock.millis())) {
                store.db().afterCommit(this::wake);
            }
        });
    }

    @Override
    public void offline(String deviceId) {
        event(deviceId, "offline", () -> registry.offline(deviceId, clock.millis()));
    }

    @Override
    public byte[] jobImage(String deviceId, long job) {
        ActiveJobs.Active a = active(deviceId, job);
        return a == null ? null : images.bytes(a.image());
    }

    @Override
    public Chunking chunking(String deviceId, long job) {
        ActiveJobs.Active a = active(deviceId, job);
        return a == null ? null : new Chunking(a.chunk(), a.window());
    }

    /**
     * The device's active job if it is {@code job}: from memory; with other instances on the
     * database, from the database when memory does not have it or had it too long ago (another
     * instance offered it, or ended it).
     */
    private ActiveJobs.Active active(String deviceId, long job) {
        ActiveJobs.Active a = active.get(deviceId);
        if (a != null && a.job() == job && (!store.shared() || a.fresh(System.nanoTime()))) {
            return a;
        }
        if (!store.shared() || !Topics.validDeviceId(deviceId)) {
            return null;
        }
        try {
            ActiveJobs.Active now = actions.lookUp(deviceId, job);
            if (now != null) {
                active.put(deviceId, now.job(), now.image(), now.chunk(), now.window());
            } else if (a != null) {
                active.remove(deviceId, a.job());
            }
            return now;
        } catch (RuntimeException e) {
            return a != null && a.job() == job ? a : null; // the database is away: what memory says
        }
    }

    /**
     * A device event: one transaction; a failure is counted and logged in one line at most once
     * a minute per device (a device must not be able to fill the log), never thrown at the link.
     */
    private void event(String deviceId, String what, Runnable work) {
        if (!Topics.validDeviceId(deviceId)) {
            complaints.complain(deviceId, Complaints.Cause.MALFORMED, what + " from an invalid device id: ignored");
            return;
        }
        try {
            while (true) {
                try {
                    store.db().run(work);
                    outageSince = 0;
                    break;
                } catch (RuntimeException e) {
                    // The database is away (PostgreSQL restarting): hold the device's messages a while
                    // rather than lose them (the link's lanes wait meanwhile), but not past 15 s of an outage.
                    long now = System.nanoTime();
                    if (!store.db().unreachable(e) || !running) {
                        throw e;
                    }
                    if (outageSince == 0) {
                        outageSince = now;
                    }
                    if (now - outageSince > OUTAGE_WAIT_NANOS) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            complaints.complain(deviceId, Complaints.Cause.FAILED, what + " failed: " + Complaints.describe(e));
        } finally {
            outbox.drain();
        }
    }

    /** How long a device message waits for an unreachable database before it is given up. */
    private static final long OUTAGE_WAIT_NANOS = 15_000_000_000L;

    /** What devices did wrong here: reports about jobs not theirs, events that failed. */
    public Complaints complaints() {
        return complaints;
    }

    // ---- Fleet: the REST API and the CLI ----

    @Override
    public ImageInfo upload(byte[] image) {
        return images.upload(image);
    }

    @Override
    public List<ImageInfo> images() {
        return images.images();
    }

    @Override
    public ImageInfo image(String shaOrPrefix) {
        return images.image(shaOrPrefix);
    }

    @Override
    public List<DeviceInfo> devices(DeviceFilter filter) {
        return registry.devices(filter);
    }

    @Override
    public DeviceInfo device(String id) {
        return registry.device(id);
    }

    @Override
    public DeviceInfo provision(String id, String group, List<String> tags) {
        return registry.provision(id, group, tags);
    }

    @Override
    public String storeProblem() {
        return store.db().probe();
    }

    @Override
    public List<DeviceInfo> provision(List<String> ids, String group, List<String> tags) {
        return registry.provision(ids, group, tags);
    }

    @Override
    public DeviceInfo label(String id, String group, List<String> tags) {
        return registry.label(id, group, tags);
    }

    @Override
    public List<HistoryEntry> history(String id) {
        return registry.history(id);
    }

    @Override
    public RolloutInfo createRollout(RolloutSpec spec) {
        return rollouts.create(spec);
    }

    @Override
    public List<RolloutInfo> rollouts() {
        return rollouts.all();
    }

    @Override
    public RolloutInfo rollout(long id) {
        return rollouts.get(id);
    }

    @Override
    public List<JobInfo> jobs(long rolloutId) {
        return rollouts.jobs(rolloutId);
    }

    @Override
    public RolloutInfo pause(long id, String reason) {
        return rollouts.pause(id, reason);
    }

    @Override
    public RolloutInfo resume(long id) {
        return rollouts.resume(id);
    }

    @Override
    public RolloutInfo cancel(long id) {
        try {
            return rollouts.cancel(id);
        } finally {
            outbox.drain();
        }
    }

    // ---- Fleet: the dashboard's views ----

    @Override
    public Records.Overview overview() {
        return views.overview();
    }

    @Override
    public Records.DevicePage devicePage(Records.DeviceQuery query) {
        return views.devicePage(query);
    }

    @Override
    public List<Records.PhaseProgress> phases(long rolloutId) {
        return views.phases(rolloutId);
    }

    @Override
    public long changes() {
        return views.changes();
    }

    @Override
    public Records.Pulse pulse(Collection<Long> rollouts) {
        return views.pulse(rollouts);
    }
}
