package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Complaints.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line a minute per device and cause, every complaint counted. */
class ComplaintsTest {
    private final AtomicLong now = new AtomicLong(1);
    private final List<String> lines = new ArrayList<>();
    private final Complaints c = new Complaints(now::get, lines::add);

    @Test
    void oneLineAMinutePerDeviceAndCauseEveryOneCounted() {
        for (int i = 0; i < 1000; i++) {
            c.complain("dev-a", Cause.UNKNOWN_JOB, "state report for job " + i);
        }
        assertEquals(1, lines.size(), lines.toString());
        c.complain("dev-a", Cause.MALFORMED, "x");
        c.complain("dev-b", Cause.UNKNOWN_JOB, "y");
        assertEquals(3, lines.size(), "another cause, another device: their own line");
        now.addAndGet(Complaints.EVERY_NANOS);
        c.complain("dev-a", Cause.UNKNOWN_JOB, "state report for job 1000");
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).startsWith("device dev-a: unknown job: state report for job 1000 (999 more since the"
                + " last line)"), lines.get(3));
        assertEquals(1002, c.count(Cause.UNKNOWN_JOB));
        assertEquals(1, c.counts().get("malformed"));
        assertEquals(0, c.counts().get("forged_will"));
    }

    @Test
    void aLineIsOneLineAndShort() {
        Exception e = new IllegalStateException("broken\nsecond line");
        c.complain("dev-a\nforged", Cause.FAILED, "hello failed: " + Complaints.describe(e) + "x".repeat(500));
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertFalse(line.contains("\n"), line);
        assertTrue(line.length() < 400, line);
        assertTrue(line.contains("IllegalStateException: broken second line (at "), line);
    }

    @Test
    void theTableOfDevicesStaysBounded() {
        for (int i = 0; i < Complaints.MAX_TRACKED * 3; i++) {
            c.complain("dev-" + i, Cause.MALFORMED, "x");
        }
        assertEquals(Complaints.MAX_TRACKED * 3L, c.count(Cause.MALFORMED));
        assertEquals(Complaints.MAX_TRACKED * 3, lines.size(), "each device's first complaint is logged");
    }

    @Test
    void countsAddUpAcrossComponents() {
        Complaints other = new Complaints(now::get, lines::add);
        c.complain("a", Cause.RETAINED, "x");
        other.complain("b", Cause.RETAINED, "y");
        other.complain("b", Cause.OVERSIZED, "z");
        assertEquals(2, Complaints.sum(c, other, null).get("retained"));
        assertEquals(1, Complaints.sum(c, other).get("oversized"));
    }
}
