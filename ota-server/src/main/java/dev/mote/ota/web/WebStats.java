package dev.mote.ota.web;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the dashboard costs the server, for GET /api/stats and bench/dashboard: CPU time spent on
 * its behalf (requests made with a session, the live-update ticks, writing events to streams),
 * measured per thread, and counts of requests and events.
 */
final class WebStats {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder eventBytes = new LongAdder();
    private final LongAdder ticks = new LongAdder();

    /** The calling thread's CPU time in ns (0 where the JVM cannot tell). */
    static long threadCpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    void request(long cpu) {
        requests.increment();
        cpuNanos.add(Math.max(0, cpu));
    }

    void tick(long cpu) {
        ticks.increment();
        cpuNanos.add(Math.max(0, cpu));
    }

    void event(int bytes, long cpu) {
        events.increment();
        eventBytes.add(bytes);
        cpuNanos.add(Math.max(0, cpu));
    }

    void cpu(long cpu) {
        cpuNanos.add(Math.max(0, cpu));
    }

    Map<String, Object> snapshot(int sessions, int streams) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessions", sessions);
        m.put("liveStreams", streams);
        m.put("requests", requests.sum());
        m.put("liveTicks", ticks.sum());
        m.put("events", events.sum());
        m.put("eventBytes", eventBytes.sum());
        m.put("cpuSeconds", cpuNanos.sum() / 1e9);
        return m;
    }
}
