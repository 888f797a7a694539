package dev.mote.flasher.cli;

import dev.mote.flasher.disk.FlashListener;
import dev.mote.flasher.disk.FlashPlan;
import dev.mote.flasher.disk.FlashResult;
import dev.mote.sdk.cli.Json;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * --json: one JSON object per line per event (docs/flasher.md): "plan", "progress" (at most
 * every {@value #INTERVAL_MS} ms per phase, plus its first and last), "done" and "error".
 */
final class JsonEvents implements FlashListener {
    static final long INTERVAL_MS = 250;
    private final PrintStream out;
    private final LongSupplier clock;
    private Phase phase;
    private long phaseStart;
    private long lastEmit;

    /** Events to {@code out}; {@code clockMillis} says the time (System::currentTimeMillis in use). */
    JsonEvents(PrintStream out, LongSupplier clockMillis) {
        this.out = out;
        this.clock = clockMillis;
    }

    @Override
    public void planned(FlashPlan p) {
        Map<String, Object> m = event("plan");
        m.put("target", p.target().toString());
        m.put("kind", p.kind().text());
        m.put("profile", p.profile().name());
        m.put("app", p.image().appName());
        m.put("version", p.image().version().toString());
        m.put("security_counter", p.image().securityCounter());
        m.put("slot", p.slot().toString());
        m.put("partition", p.partition().name());
        m.put("offset", p.partition().offset());
        m.put("bytes", p.imageBytes());
        m.put("factory", p.factory());
        m.put("current", p.current() == null ? null : p.current().describe());
        m.put("record", p.next().describe());
        emit(m);
    }

    @Override
    public void progress(Phase p, long done, long total) {
        long now = clock.getAsLong();
        if (p != phase) {
            phase = p;
            phaseStart = now;
            lastEmit = Long.MIN_VALUE / 2; // never: no overflow in now - lastEmit
        }
        if (done != 0 && done != total && now - lastEmit < INTERVAL_MS) {
            return;
        }
        lastEmit = now;
        Map<String, Object> m = event("progress");
        m.put("phase", p.keyword());
        m.put("done", done);
        m.put("total", total);
        long ms = Math.max(1, now - phaseStart);
        m.put("bytes_per_second", done * 1000 / ms);
        emit(m);
    }

    void done(FlashResult r) {
        Map<String, Object> m = event("done");
        m.put("target", r.plan().target().toString());
        m.put("slot", r.plan().slot().toString());
        m.put("written", r.written());
        m.put("skipped", r.skipped());
        m.put("direct_read_back", r.directReadBack());
        m.put("seconds", r.took().toMillis() / 1000.0);
        m.put("record", r.plan().next().describe());
        emit(m);
    }

    void error(String message, String hint) {
        Map<String, Object> m = event("error");
        m.put("message", message);
        m.put("hint", hint);
        emit(m);
    }

    private static Map<String, Object> event(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        return m;
    }

    private void emit(Map<String, Object> m) {
        out.println(Json.write(m));
        out.flush();
    }
}
