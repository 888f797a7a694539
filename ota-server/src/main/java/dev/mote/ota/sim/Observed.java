package dev.mote.ota.sim;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import dev.mote.ota.protocol.Control;
import dev.mote.ota.protocol.CrashAck;
import dev.mote.ota.protocol.CrashReport;
import dev.mote.ota.protocol.LogBatch;
import dev.mote.ota.protocol.Metrics;
import dev.mote.ota.protocol.ProtocolException;
import dev.mote.ota.protocol.ShellCommand;
import dev.mote.ota.protocol.ShellReply;
import dev.mote.ota.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The debug side of a simulated device, as the kernel (kernel/shell/) and the agent do it: crash
 * records kept until the server acknowledges them (two at most, the newest kept), log records
 * shipped in rate-limited batches, a metrics heartbeat, and the remote shell when the identity
 * enables it. Guarded by the device's monitor; the device calls it from its own callbacks.
 */
final class Observed {
    /** The device's ring of log records and the most it sends in one batch. */
    private static final int RING = 200;
    private static final int BATCH_BYTES = 1536;
    private static final int RECORDS = 2;

    private final String id;
    private final ObserveSpec spec;
    private final Simulator.Env env;
    /** Records not yet acknowledged, by seq. */
    private final TreeMap<Long, CrashReport> records = new TreeMap<>();
    private final Deque<String> ring = new ArrayDeque<>();
    private final List<String> toShip = new ArrayList<>();
    private long crashSeq;
    private long lostRecords;
    private long logSeq = 1;
    private long shipFirst = 1;
    private long shipDropped;
    private boolean batchPending;
    private long bootedAt = System.nanoTime();
    private String rebootReason = "power-on";
    private Connection conn;
    private long heartbeats;
    private long acks;
    private long shellCommands;

    Observed(String id, ObserveSpec spec, Simulator.Env env) {
        this.id = id;
        this.spec = spec;
        this.env = env;
    }

    /**
     * The device crashed: it keeps a record (over the older one when two are waiting) and
     * reboots. {@code test} when the crashed image ran on trial.
     */
    synchronized void crashed(String kind, List<String> frames, String version, char slot, boolean test) {
        long seq = ++crashSeq;
        long lost = 0;
        if (records.size() == RECORDS) {
            CrashReport oldest = records.pollFirstEntry().getValue();
            lost = oldest.lost() + 1;
            lostRecords++;
        }
        StringBuilder t = new StringBuilder(Control.of(CrashReport.VERB).put("seq", seq).put("kind", kind)
                .put("addr", "0x4").put("thread", "main").put("uptime_ms", uptimeMs()).put("version", version)
                .put("build", "5eed" + String.format("%012x", id.hashCode() & 0xffffffffL)).put("slot", slot)
                .put("test", test ? 1 : 0).put("lost", lost).toString());
        t.append("\n*** FAULT in thread 'main': ").append(kind).append('\n').append("backtrace:\n");
        for (int i = 0; i < frames.size(); i++) {
            t.append(String.format("  #%-2d 0x%016x %s+0x%x%n", i, 0x40100000L + 0x40L * i, frames.get(i), 8 + i));
        }
        t.append("threads:\n    1  0 ready    stack 4096 peak 512 cpu_ms 10 idle\nlog:\n");
        ring.stream().skip(Math.max(0, ring.size() - 4)).forEach(l -> t.append("  ").append(l).append('\n'));
        records.put(seq, CrashReport.parse(t.toString().getBytes(StandardCharsets.US_ASCII)));
        rebootReason = kind;
        bootedAt = System.nanoTime();
        conn = null;
    }

    /** Connected and past the hello: send what waits, start the heartbeat. */
    synchronized void connected(Connection c) {
        conn = c;
        for (CrashReport r : records.values()) {
            c.publish(Topics.CRASH, r.toBytes(), MqttQos.AT_LEAST_ONCE, false);
        }
        flushLater();
        if (!spec.metricsEvery().isZero()) {
            heartbeat(c);
        }
    }

    synchronized void disconnected() {
        conn = null;
    }

    /** A message on down/crash-ack or down/shell. */
    synchronized void received(String leaf, byte[] payload) {
        try {
            if (Topics.CRASH_ACK.equals(leaf)) {
                CrashAck a = CrashAck.from(Control.parse(payload));
                if (records.remove(a.seq()) != null) {
                    acks++;
                }
            } else if (Topics.SHELL.equals(leaf)) {
                shell(ShellCommand.parse(payload));
            }
        } catch (ProtocolException e) {
            log(2, "agent: dropped a message on " + leaf + ": " + e.getMessage());
        }
    }

    /** A log record (level 1 error .. 4 debug), into the ring and, if important enough, the next batch. */
    synchronized void log(int level, String text) {
        String line = String.format("%d.%03d %c %s", uptimeMs() / 1000, uptimeMs() % 1000, "?EWID".charAt(level), text);
        ring.addLast(line);
        if (ring.size() > RING) {
            ring.removeFirst();
        }
        long seq = logSeq++;
        if (level > spec.logLevel()) {
            return;
        }
        if (toShip.isEmpty()) {
            shipFirst = seq;
        }
        if (toShip.size() >= RING) {
            shipDropped++;   // waiting longer than the ring: the oldest is gone
            toShip.remove(0);
            shipFirst++;
        }
        toShip.add(line);
        flushLater();
    }

    /** One batch at most every logBatchEvery: the rate limit. */
    private void flushLater() {
        if (batchPending || toShip.isEmpty()) {
            return;
        }
        batchPending = true;
        env.later(spec.logBatchEvery().toMillis(), () -> {
            synchronized (this) {
                batchPending = false;
                flush();
            }
        });
    }

    private void flush() {
        if (conn == null || toShip.isEmpty()) {
            return;
        }
        List<String> batch = new ArrayList<>();
        int bytes = 64;
        while (!toShip.isEmpty() && bytes + toShip.get(0).length() + 1 <= BATCH_BYTES) {
            bytes += toShip.get(0).length() + 1;
            batch.add(toShip.remove(0));
        }
        conn.publish(Topics.LOG, new LogBatch(shipFirst, shipDropped, batch).toBytes(), MqttQos.AT_LEAST_ONCE, false);
        shipFirst += batch.size();
        shipDropped = 0;
        flushLater();
    }

    private void heartbeat(Connection c) {
        synchronized (this) {
            if (c != conn) {
                return;   // a newer connection has its own
            }
            c.publish(Topics.METRICS, metrics().toBytes(), MqttQos.AT_MOST_ONCE, false);
            heartbeats++;
        }
        env.later(spec.metricsEvery().toMillis(), () -> heartbeat(c));
    }

    synchronized Metrics metrics() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("uptime_ms", Long.toString(uptimeMs()));
        f.put("heap_used", "5536");
        f.put("heap_peak", "6144");
        f.put("heap_free", "10640");
        f.put("pages_free", "32316");
        f.put("idle_pct", "97.4");
        f.put("threads", "5");
        f.put("cpu", "timer:0.0,main:1.1,net:1.5,agent:0.0");
        f.put("rx_frames", "120");
        f.put("tx_frames", "118");
        f.put("reboot", rebootReason);
        f.put("last_crash", crashSeq == 0 ? "none" : Long.toString(crashSeq));
        return new Metrics(f);
    }

    /** The remote shell: off unless the identity enables it; a few of the device's commands. */
    private void shell(ShellCommand cmd) {
        if (!spec.remoteShell() || conn == null) {
            return;
        }
        shellCommands++;
        String[] argv = cmd.line().trim().split("\\s+");
        int exit = 0;
        String out;
        switch (argv[0]) {
            case "uptime" -> out = "up 0d 00:00:00." + uptimeMs() % 1000 + " (" + uptimeMs() + " ms)\n";
            case "echo" -> out = String.join(" ", java.util.Arrays.copyOfRange(argv, 1, argv.length)) + "\n";
            case "metrics" -> out = metrics().line() + "\n";
            case "ps" -> out = "  ID PRIO STATE     CPU%    STACK     PEAK NAME\n"
                    + "   1    0 ready     97.9     4096      544 idle\n"
                    + "   3    8 running    2.1     8192     1216 main\n";
            case "log" -> out = String.join("\n", ring) + (ring.isEmpty() ? "" : "\n");
            default -> {
                exit = 127;
                out = "error: unknown command '" + argv[0] + "'; 'help' lists the commands\n";
            }
        }
        boolean cut = out.length() > ShellReply.MAX_OUTPUT;
        conn.publish(Topics.SHELL_REPLY, new ShellReply(cmd.id(), exit, cut,
                cut ? out.substring(0, ShellReply.MAX_OUTPUT) : out).toBytes(), MqttQos.AT_LEAST_ONCE, false);
    }

    private long uptimeMs() {
        return (System.nanoTime() - bootedAt) / 1_000_000;
    }

    synchronized int pendingRecords() {
        return records.size();
    }

    synchronized long acks() {
        return acks;
    }

    synchronized long heartbeats() {
        return heartbeats;
    }

    synchronized long shellCommands() {
        return shellCommands;
    }
}
