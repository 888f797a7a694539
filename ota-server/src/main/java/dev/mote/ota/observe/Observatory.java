package dev.mote.ota.observe;

import dev.mote.ota.fleet.FleetException;
import dev.mote.ota.observe.ObserveRecords.Audit;
import dev.mote.ota.observe.ObserveRecords.Crash;
import dev.mote.ota.observe.ObserveRecords.CrashGroup;
import dev.mote.ota.observe.ObserveRecords.CrashGroupDetail;
import dev.mote.ota.observe.ObserveRecords.DeviceCount;
import dev.mote.ota.observe.ObserveRecords.JobRef;
import dev.mote.ota.observe.ObserveRecords.LogLine;
import dev.mote.ota.observe.ObserveRecords.MetricsLine;
import dev.mote.ota.observe.ObserveRecords.ShellResult;
import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.CrashReport;
import dev.mote.ota.protocol.LogBatch;
import dev.mote.ota.protocol.Metrics;
import dev.mote.ota.protocol.ShellCommand;
import dev.mote.ota.protocol.ShellReply;
import dev.mote.ota.protocol.Topics;
import dev.mote.ota.store.Database;
import dev.mote.ota.store.DeviceStore;
import dev.mote.ota.store.ObserveStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * What the server knows of devices from the inside: crash records grouped by signature (and
 * tied to the rollout job whose TEST boot they ended), a bounded history of each device's log
 * lines and metrics heartbeats, and the remote shell with its audit log (docs/ota-server.md,
 * "Crashes, logs, metrics, shell"). Everything is in the server's database; a crash record is
 * acknowledged to its device only once it is committed there, so the device clears it only then.
 */
public final class Observatory implements ObserveEvents {
    /**
     * @param logLines log lines kept per device (the oldest go first)
     * @param metricsLines heartbeats kept per device
     * @param shellTimeout how long a shell command waits for the device's reply
     */
    public record Config(int logLines, int metricsLines, Duration shellTimeout) {
        public static final Config DEFAULTS = new Config(2000, 1440, Duration.ofSeconds(15));

        public Config {
            if (logLines < 1 || metricsLines < 1 || shellTimeout.isNegative() || shellTimeout.isZero()) {
                throw new IllegalArgumentException("observe config: keep at least one line, a positive shell timeout");
            }
        }
    }

    /** A shell command nobody answered in time; the message says what to check. */
    public static final class NoReplyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoReplyException(String message) {
            super(message);
        }
    }

    private final Database db;
    private final ObserveStore store;
    private final DeviceStore devices;
    private final ObserveLink link;
    private final Clock clock;
    private final Config config;
    /** Shell commands this instance sent and waits for, by id: the device asked and the reply to come. */
    private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();

    private record Waiting(String device, CompletableFuture<ShellReply> reply) {
    }

    public Observatory(Database db, ObserveLink link, Clock clock, Config config) {
        this.db = db;
        this.store = new ObserveStore(db);
        this.devices = new DeviceStore(db);
        this.link = link;
        this.clock = clock;
        this.config = config;
    }

    // ---- ObserveEvents: the MQTT link's thread ----

    @Override
    public void crash(String deviceId, CrashReport r) {
        event(deviceId, "crash", () -> {
            long now = clock.millis();
            known(deviceId);
            String digest = digest(r.text());
            if (!store.hasCrash(deviceId, r.seq(), digest)) {
                long group = store.group(r.signature(), r.kind(), String.join("<", r.frames()), r.version(), now);
                Long job = r.test() ? store.jobFor(deviceId, r.version()) : null;
                if (store.addCrash(group, deviceId, r.seq(), digest, now, r.uptimeMs(), r.test(), job, r.lost(),
                        r.text()) != null) {
                    devices.addHistory(deviceId, now, "crash", job, r.kind() + " in " + r.version()
                            + (r.frames().isEmpty() ? "" : " at " + r.frames().get(0)) + " (crash group " + group + ")");
                }
            }
            db.afterCommit(() -> link.crashAck(deviceId, new CrashAck(r.seq())));
        });
    }

    @Override
    public void logs(String deviceId, LogBatch b) {
        event(deviceId, "log", () -> {
            known(deviceId);
            store.addLogs(deviceId, clock.millis(), b.first(), b.lines(), config.logLines());
        });
    }

    @Override
    public void metrics(String deviceId, Metrics m) {
        event(deviceId, "metrics", () -> {
            known(deviceId);
            store.addMetrics(deviceId, clock.millis(), m.line(), config.metricsLines());
        });
    }

    /**
     * A device's shell reply: recorded in the audit log (once: a later copy, or one for a command
     * that is not the device's, changes nothing) and handed to the REST request waiting for it, if
     * it waits on this instance. With several instances every one hears every reply, and any of
     * them may record it first.
     */
    @Override
    public void shellReply(String deviceId, ShellReply r) {
        boolean ours = db.tx(() -> store.answer(r.id(), deviceId, r.exit(), clock.millis(), r.output().length()));
        Waiting w = waiting.get(r.id());
        if (w != null && w.device().equals(deviceId)) {
            w.reply().complete(r);
        } else if (!ours && !link.everyInstanceHearsShellReplies()) {
            Logger.warn("{}: a shell reply for command {}, which it was not sent or answered already", deviceId, r.id());
        }
    }

    /** A device's message is stored whole or not at all; a failure is logged, not thrown at the link. */
    private void event(String deviceId, String what, Runnable work) {
        try {
            db.run(work);
        } catch (RuntimeException e) {
            Logger.error(e, "{}: storing its {} failed", deviceId, what);
        }
    }

    /** A device heard from before its hello (or deleted meanwhile) gets its row. */
    private void known(String deviceId) {
        if (devices.find(deviceId) == null) {
            devices.insert(deviceId, null);
        }
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- queries and the shell: the REST API ----

    public List<CrashGroup> crashGroups(String deviceId) {
        return db.tx(() -> store.groups(deviceId).stream().map(Observatory::group).toList());
    }

    public CrashGroupDetail crashGroup(long id, int crashes) {
        return db.tx(() -> {
            ObserveStore.GroupRow g = store.findGroup(id);
            if (g == null) {
                throw FleetException.notFound("no crash group " + id + " (mote ota crashes lists them)");
            }
            List<DeviceCount> per = store.perDevice(id).stream()
                    .map(a -> new DeviceCount((String) a[0], (Long) a[1])).toList();
            List<JobRef> jobs = store.jobs(id).stream().map(j -> new JobRef(j[0], j[1])).toList();
            List<Crash> list = store.crashes(id, crashes).stream().map(c -> new Crash(c.id(), c.device(), c.seq(),
                    c.receivedAt(), c.uptimeMs(), c.testBoot(), c.job(), c.lost(), c.record())).toList();
            return new CrashGroupDetail(group(g), per, jobs, list);
        });
    }

    private static CrashGroup group(ObserveStore.GroupRow g) {
        List<String> frames = g.frames().isEmpty() ? List.of() : Arrays.asList(g.frames().split("<"));
        return new CrashGroup(g.id(), g.signature(), g.kind(), frames, g.version(), g.count(), g.devices(),
                g.firstSeen(), g.lastSeen());
    }

    /** Log lines after {@code after} (oldest first), or the newest {@code limit} when after is 0. */
    public List<LogLine> logs(String deviceId, long after, int limit) {
        return db.tx(() -> {
            device(deviceId);
            return store.logs(deviceId, after, limit).stream()
                    .map(l -> new LogLine(l.id(), l.receivedAt(), l.line())).toList();
        });
    }

    public List<MetricsLine> metrics(String deviceId, long after, int limit) {
        return db.tx(() -> {
            device(deviceId);
            return store.metrics(deviceId, after, limit).stream()
                    .map(l -> new MetricsLine(l.id(), l.receivedAt(), Metrics.parse(l.line()
                            .getBytes(StandardCharsets.US_ASCII)).fields())).toList();
        });
    }

    public List<Audit> audit(String deviceId, int limit) {
        return db.tx(() -> store.audit(deviceId, limit).stream().map(a -> new Audit(a.id(), a.device(), a.who(),
                a.at(), a.command(), a.exit(), a.answeredAt(), a.outputBytes())).toList());
    }

    /**
     * Runs {@code line} in the device's shell and waits for its reply. The command is in the
     * audit log (who, when, device, command) before it is sent; the reply adds its exit status.
     * NoReplyException when the device does not answer within the configured time (offline, or
     * its identity does not enable the remote shell).
     */
    public ShellResult shell(String deviceId, String who, String line) {
        String why = ShellCommand.check(line);
        if (why != null) {
            throw FleetException.badRequest("command: " + why);
        }
        if (!Topics.validDeviceId(deviceId)) {
            throw FleetException.badRequest("'" + deviceId + "' is not a device id");
        }
        long started = System.nanoTime();
        CompletableFuture<ShellReply> reply = new CompletableFuture<>();
        long id = db.tx(() -> {
            device(deviceId);
            long a = store.addAudit(deviceId, who, clock.millis(), line);
            waiting.put(a, new Waiting(deviceId, reply));
            return a;
        });
        try {
            link.shell(deviceId, new ShellCommand(id, line));
            ShellReply r = reply.get(config.shellTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return new ShellResult(id, deviceId, line, r.exit(), r.truncated(), r.output(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (TimeoutException e) {
            throw new NoReplyException("device " + deviceId + " did not answer within "
                    + config.shellTimeout().toSeconds() + " s: is it online, and does its identity enable the remote"
                    + " shell (mote ota provision --shell)?");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoReplyException("interrupted while waiting for " + deviceId);
        } finally {
            waiting.remove(id);
        }
    }

    private void device(String deviceId) {
        if (devices.find(deviceId) == null) {
            throw FleetException.notFound("no device " + deviceId + " (mote ota devices lists them)");
        }
    }
}
