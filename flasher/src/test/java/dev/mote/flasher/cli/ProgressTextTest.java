package dev.mote.flasher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.disk.FlashListener.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTextTest {
    private long now = 0;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private ProgressText text(boolean bar) {
        return new ProgressText(new PrintStream(out, true, StandardCharsets.UTF_8), bar, () -> now);
    }

    @Test
    void onATerminalABarWithRateAndEta() {
        ProgressText p = text(true);
        p.progress(Phase.WRITE, 0, 4 << 20);
        now = 1000;
        p.progress(Phase.WRITE, 1 << 20, 4 << 20);
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("\rwrite    [######..................]   1.0 MiB / 4.0 MiB     1.0 MiB/s  ETA 0:03"), s);
        now = 2000;
        p.progress(Phase.WRITE, 4 << 20, 4 << 20);
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("]   4.0 MiB / 4.0 MiB     2.0 MiB/s   "
                + System.lineSeparator()), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void elsewhereOneLinePerPhase() {
        ProgressText p = text(false);
        p.progress(Phase.READBACK, 0, 2 << 20);
        now = 500;
        p.progress(Phase.READBACK, 1 << 20, 2 << 20);
        now = 1000;
        p.progress(Phase.READBACK, 2 << 20, 2 << 20);
        assertEquals("readback: 2.0 MiB in 1.0 s (2.0 MiB/s)" + System.lineSeparator(),
                out.toString(StandardCharsets.UTF_8));
    }
}
