package dev.mote.flasher.cli;

import dev.mote.flasher.disk.FlashListener;
import dev.mote.flasher.disk.FlashPlan;
import dev.mote.sdk.profile.Numbers;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress for people. On a terminal ({@code bar} true): one line per phase redrawn in place,
 * "write    [##########..........]  3.5 MiB / 7.0 MiB  2.1 MiB/s  ETA 0:02". Elsewhere (a log, a
 * pipe): one summary line when each phase ends.
 */
final class ProgressText implements FlashListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_MS = 100;
    private final PrintStream out;
    private final boolean bar;
    private final LongSupplier clock;
    private Phase phase;
    private long phaseStart;
    private long lastDraw;

    ProgressText(PrintStream out, boolean bar, LongSupplier clockMillis) {
        this.out = out;
        this.bar = bar;
        this.clock = clockMillis;
    }

    @Override
    public void planned(FlashPlan p) {
        out.println("flashing " + p.describe());
        out.println("  " + p.kind() + " for " + p.profile().name() + "; now: "
                + (p.current() == null ? "no boot-state record" : p.current().describe()));
    }

    @Override
    public void progress(Phase p, long done, long total) {
        long now = clock.getAsLong();
        if (p != phase) {
            phase = p;
            phaseStart = now;
            lastDraw = Long.MIN_VALUE / 2; // never: no overflow in now - lastDraw
        }
        double secs = Math.max(1, now - phaseStart) / 1000.0;
        long rate = (long) (done / secs);
        if (bar && (done == total || now - lastDraw >= REDRAW_MS)) {
            lastDraw = now;
            int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
            String eta = rate <= 0 || done == total ? "" : "  ETA " + clock((total - done) / rate);
            out.print(String.format("\r%-8s [%s%s] %9s / %-9s %9s/s%s   ", p.keyword(), "#".repeat(filled),
                    ".".repeat(WIDTH - filled), Numbers.human(done), Numbers.human(total), Numbers.human(rate), eta));
            if (done == total) {
                out.println();
            }
            out.flush();
        } else if (!bar && done == total) {
            out.println(String.format("%s: %s in %.1f s (%s/s)", p.keyword(), Numbers.human(total), secs,
                    Numbers.human(rate)));
        }
    }

    private static String clock(long seconds) {
        return seconds / 60 + ":" + String.format("%02d", seconds % 60);
    }
}
