package dev.mote.ota.sim;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.Chunk;
import dev.mote.ota.protocol.ChunkRequest;
import dev.mote.ota.protocol.Control;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.ProtocolException;
import dev.mote.ota.protocol.StateReport;
import dev.mote.ota.protocol.Topics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.tinylog.Logger;

/**
 * A simulated device running the OTA agent exactly as docs/ota-protocol.md describes it (the C
 * agent follows this class): hello on every connect; on an offer, download with {@link Download},
 * verify with {@link Installer}, install for a TEST boot, reboot, then confirm, crash or hang as
 * its {@link Behaviour} says. All its state is guarded by its monitor; it runs on the
 * {@link Simulator}'s shared threads.
 */
public final class SimulatedDevice implements Connection.Listener {
    private enum Phase { OFFLINE, IDLE, DOWNLOADING, REBOOTING, HUNG, STOPPED }

    private static final long PROGRESS_NANOS = 3_000_000_000L;
    /** Timeouts in a row without a chunk after which the device reconnects instead of asking again. */
    static final int FRUITLESS_RESTARTS = 3;
    /** How long a stopped device waits for the broker to acknowledge its last messages. */
    static final long STOP_DRAIN_MS = 3000;

    private final DeviceSpec spec;
    private final Simulator.Env env;
    private final Installer installer;
    private final Observed observed;
    private final LongAdder wireIn = new LongAdder();
    private final LongAdder wireOut = new LongAdder();

    private Phase phase = Phase.OFFLINE;
    private Connection conn;
    private Runnable afterHello;
    private long backoffMillis;
    private boolean dropped;
    private Download dl;
    private long offeredAt;
    private long lastProgress;
    private int fruitless;
    private boolean helloSent;
    private boolean online;
    private long lastReportAt;
    private long lastReportedHave;
    private StateReport lastTerminal;
    private long imageBytes;
    private long chunkBytes;
    private long restarts;
    private long droppedChunks;
    private long connects;
    private long confirmMillis = -1;
    private long offeredAtEpoch;
    private long downloadedAtEpoch;
    private String status;
    private String reason;

    SimulatedDevice(DeviceSpec spec, Simulator.Env env) {
        this.spec = spec;
        this.env = env;
        this.installer = new Installer(spec);
        this.observed = new Observed(spec.id(), spec.observe(), env);
    }

    public String id() {
        return spec.id();
    }

    synchronized void start() {
        if (phase == Phase.OFFLINE) {
            connect();
        }
    }

    private void connect() {
        if (conn != null) {
            conn.close(); // never two connections: a pending reconnect may meet a newer one
        }
        connects++;
        online = false;
        conn = new Connection(spec.id(), env.broker(), env.callbacks(), wireIn, wireOut, this);
        conn.open(spec.password(), this);
    }

    @Override
    public synchronized void ready(Connection c) {
        if (c != conn || phase == Phase.STOPPED) {
            return;
        }
        backoffMillis = 0;
        if (phase == Phase.OFFLINE) {
            phase = Phase.IDLE;
        }
        boolean holding = phase == Phase.DOWNLOADING && dl != null;
        Hello hello = new Hello(spec.profile(), installer.version(), installer.counter(), installer.slot(),
                spec.maxChunk(), holding ? dl.offer.job() : 0, holding ? dl.have() : 0);
        conn.publish(Topics.HELLO, hello.toControl().toBytes(), MqttQos.AT_LEAST_ONCE, false);
        helloSent = true;
        online = true;
        if (afterHello != null) {
            Runnable r = afterHello;
            afterHello = null;
            r.run();
        } else if (lastTerminal != null) {
            // the server may have missed how the last job ended (it died with its broker before
            // reading it): say it again; a server ignores a report for a job it has closed
            report(lastTerminal);
        }
        observed.connected(conn);
    }

    @Override
    public synchronized void lost(Connection c, Throwable cause) {
        if (c != conn || phase == Phase.STOPPED) {
            return;
        }
        conn.close();
        online = false;
        observed.disconnected();
        if (phase == Phase.REBOOTING) {
            conn = null; // it is restarting anyway: the new image connects after the reboot
            return;
        }
        backoffMillis = Math.min(Math.max(2 * backoffMillis, 500), 30_000);
        Logger.debug("{}: connection lost ({}): again in {} ms", spec.id(), cause.getMessage(), backoffMillis);
        env.later(backoffMillis, this::reconnect);
    }

    private synchronized void reconnect() {
        if (phase != Phase.STOPPED && phase != Phase.HUNG && phase != Phase.REBOOTING) {
            connect(); // after a reboot, boot() connects
        }
    }

    @Override
    public synchronized void received(Connection c, String leaf, ByteBuffer payload) {
        if (c != conn) {
            return;
        }
        try {
            if (Topics.CHUNK.equals(leaf)) {
                chunk(Chunk.decode(payload));
            } else if (Topics.CRASH_ACK.equals(leaf) || Topics.SHELL.equals(leaf)) {
                byte[] b = new byte[payload.remaining()];
                payload.duplicate().get(b);
                observed.received(leaf, b);
            } else if (Topics.JOB.equals(leaf)) {
                byte[] text = new byte[payload.remaining()];
                payload.duplicate().get(text);
                Control ctl = Control.parse(text);
                switch (ctl.verb()) {
                    case Offer.VERB -> offer(Offer.from(ctl));
                    case Cancel.VERB -> cancel(Cancel.from(ctl));
                    default -> Logger.warn("{}: ignored unknown job message '{}'", spec.id(), ctl);
                }
            }
        } catch (ProtocolException e) {
            droppedChunks++;
            Logger.debug("{}: dropped a message on {}: {}", spec.id(), leaf, e.getMessage());
        }
    }

    private void offer(Offer o) {
        if (lastTerminal != null && lastTerminal.job() == o.job()) {
            report(lastTerminal); // the server missed how it ended: say it again
            return;
        }
        if (phase == Phase.REBOOTING || phase == Phase.HUNG) {
            return;
        }
        if (phase == Phase.DOWNLOADING && dl != null && dl.sameImage(o)) {
            dl = new Download(o, dl); // offered again (after a reconnect): resume where it stopped
            send(dl.fill());
        } else {
            String refused = installer.refuseOffer(o);
            if (refused != null) {
                end(new StateReport(o.job(), JobStatus.FAILED, 0, null, refused));
                return;
            }
            dl = new Download(o);
            offeredAt = System.nanoTime();
            offeredAtEpoch = System.currentTimeMillis();
            downloadedAtEpoch = 0;
            lastReportedHave = -1;
            phase = Phase.DOWNLOADING;
            send(dl.fill());
        }
        lastProgress = System.nanoTime();
        progress(true);
    }

    private void cancel(Cancel c) {
        if (phase == Phase.DOWNLOADING && dl != null && dl.offer.job() == c.job()) {
            dl = null;
            phase = Phase.IDLE;
            end(new StateReport(c.job(), JobStatus.CANCELLED, 0, null, null));
        }
    }

    private void chunk(Chunk c) {
        chunkBytes += c.length();
        if (phase != Phase.DOWNLOADING || dl == null || !dl.accept(c)) {
            droppedChunks++;
            return;
        }
        imageBytes += c.length();
        lastProgress = System.nanoTime();
        fruitless = 0;
        if (dl.complete()) {
            downloadedAtEpoch = System.currentTimeMillis();
            Download done = dl;
            env.later(0, () -> install(done)); // not on the network thread: verifying takes milliseconds
            return;
        }
        if (spec.dropAtBytes() >= 0 && !dropped && dl.have() >= spec.dropAtBytes()) {
            dropped = true; // the link drops once: reconnect, say what it holds, resume
            conn.close();
            conn = null;
            env.later(env.options().reconnectDelay().toMillis(), this::reconnect);
            return;
        }
        progress(false);
        send(dl.fill());
    }

    /** Reports progress every tenth of the image, or every few seconds, not on every chunk. */
    private void progress(boolean now) {
        long have = dl.have();
        long tenth = Math.max(1, dl.image.length / 10);
        if (now || have / tenth != lastReportedHave / tenth
                || System.nanoTime() - lastReportAt > PROGRESS_NANOS && have != lastReportedHave) {
            lastReportedHave = have;
            lastReportAt = System.nanoTime();
            report(new StateReport(dl.offer.job(), JobStatus.DOWNLOADING, have, null, null));
        }
    }

    private synchronized void install(Download done) {
        if (dl != done || phase != Phase.DOWNLOADING) {
            return; // cancelled or replaced meanwhile
        }
        Offer o = dl.offer;
        report(new StateReport(o.job(), JobStatus.VERIFYING, 0, null, null));
        String refused = installer.verify(dl);
        dl = null;
        if (refused != null) {
            phase = Phase.IDLE;
            end(new StateReport(o.job(), JobStatus.FAILED, 0, null, refused));
            return;
        }
        report(new StateReport(o.job(), JobStatus.INSTALLED, 0, null, null));
        phase = Phase.REBOOTING;
        report(new StateReport(o.job(), JobStatus.REBOOTING, 0, null, null))
                .whenCompleteAsync((r, e) -> reboot(o), env.callbacks());
    }

    /**
     * Restarts once "rebooting" is delivered, or failed to be (the report is best effort: the
     * hello after the reboot says what runs): off the network for the reboot delay, then the TEST
     * boot.
     */
    private synchronized void reboot(Offer o) {
        if (phase != Phase.REBOOTING) {
            return;
        }
        if (conn != null) {
            conn.close();
            conn = null;
        }
        online = false;
        observed.disconnected();
        env.later(env.options().rebootDelay().toMillis(), () -> boot(o));
    }

    private synchronized void boot(Offer o) {
        if (phase != Phase.REBOOTING) {
            return;
        }
        switch (spec.behaviour()) {
            case CONFIRM -> {
                installer.bootNew();
                afterHello = () -> {
                    confirmMillis = (System.nanoTime() - offeredAt) / 1_000_000;
                    end(new StateReport(o.job(), JobStatus.CONFIRMED, 0, installer.version(), null));
                };
            }
            case CRASH -> {
                // the new image crashed in its TEST boot: its record goes up after the revert
                observed.crashed("null-pointer", List.of("sensor_store", "sensor_poll", "app_main", "main_thread",
                        "thread_entry"), o.version(), installer.slot() == 'a' ? 'b' : 'a', true);
                afterHello = () -> end(new StateReport(o.job(), JobStatus.ROLLED_BACK, 0,
                        installer.version(), "the new image crashed before confirming; the bootloader went back to slot "
                        + installer.slot()));
            }
            case HANG -> {
                phase = Phase.HUNG; // says nothing more: the server's deadline fails the job
                status = "hung";
                return;
            }
        }
        phase = Phase.IDLE;
        connect();
    }

    private void end(StateReport r) {
        lastTerminal = r;
        status = r.status().wire();
        reason = r.reason();
        report(r);
    }

    private CompletableFuture<?> report(StateReport r) {
        if (conn == null) {
            return CompletableFuture.completedFuture(null);
        }
        return conn.publish(Topics.STATE, r.toControl().toBytes(), MqttQos.AT_LEAST_ONCE, false);
    }

    private void send(List<ChunkRequest> reqs) {
        for (ChunkRequest r : reqs) {
            // QoS 1: Moquette drops QoS 0 messages to a subscriber whose socket is momentarily full,
            // and the server's socket is the busiest of all; a lost request costs a 5 s timeout
            conn.publish(Topics.REQ, r.toControl().toBytes(), MqttQos.AT_LEAST_ONCE, false);
        }
    }

    /** Called every few hundred ms: asks again when chunks stopped coming, reports slow progress. */
    synchronized void tick(long now) {
        if (phase != Phase.DOWNLOADING || dl == null || conn == null) {
            return;
        }
        if (now - lastProgress > env.options().requestTimeout().toNanos()) {
            restarts++;
            lastProgress = now;
            if (++fruitless >= FRUITLESS_RESTARTS) {
                // asking again does not help (lost subscription, a server that restarted without
                // knowing us): reconnect, so that the hello tells the server what we hold
                fruitless = 0;
                conn.close();
                conn = null;
                env.later(env.options().reconnectDelay().toMillis(), this::reconnect);
                return;
            }
            send(dl.restart());
        }
        progress(false);
    }

    /**
     * The running image crashes now: the device keeps a crash record with this fault kind and
     * backtrace, reboots (off the network for the reboot delay) and sends the record after its
     * hello, until the server acknowledges it.
     */
    public synchronized void crash(String kind, List<String> frames) {
        if (phase == Phase.STOPPED || phase == Phase.HUNG) {
            return;
        }
        observed.crashed(kind, frames, installer.version(), installer.slot(), false);
        if (conn != null) {
            conn.close();
            conn = null;
        }
        online = false;
        dl = null;
        phase = Phase.OFFLINE;
        env.later(env.options().rebootDelay().toMillis(), this::afterCrash);
    }

    private synchronized void afterCrash() {
        if (phase == Phase.OFFLINE) {
            connect();
        }
    }

    /** A log record (1 error, 2 warning, 3 info, 4 debug): into the device's ring, shipped if important enough. */
    public synchronized void log(int level, String text) {
        observed.log(level, text);
    }

    /** Crash records waiting for the server's acknowledgement. */
    public int pendingCrashRecords() {
        return observed.pendingRecords();
    }

    /** Heartbeats sent, shell commands run, crash records acknowledged. */
    public long heartbeats() {
        return observed.heartbeats();
    }

    public long shellCommands() {
        return observed.shellCommands();
    }

    public long crashAcks() {
        return observed.acks();
    }

    synchronized CompletableFuture<Void> stop() {
        phase = Phase.STOPPED;
        online = false;
        Connection c = conn;
        conn = null;
        return c == null ? CompletableFuture.completedFuture(null) : c.closeAfterInflight(STOP_DRAIN_MS);
    }

    /** Is it connected, subscribed, and has it said hello on this connection? */
    public synchronized boolean online() {
        return online && conn != null;
    }

    /** Has it connected, subscribed and said hello at least once? */
    public synchronized boolean helloSent() {
        return helloSent;
    }

    /** Has its last job ended (or, for a {@link Behaviour#HANG} device, has it hung)? */
    public synchronized boolean finished() {
        return status != null && (phase == Phase.IDLE || phase == Phase.HUNG);
    }

    public synchronized DeviceStats stats() {
        return new DeviceStats(spec.id(), status, reason, lastTerminal == null ? 0 : lastTerminal.job(),
                installer.version(), wireIn.sum(), wireOut.sum(), imageBytes, chunkBytes, restarts, droppedChunks,
                connects, confirmMillis, offeredAtEpoch, downloadedAtEpoch);
    }
}
