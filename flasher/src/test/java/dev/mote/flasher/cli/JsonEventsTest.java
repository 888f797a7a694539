package dev.mote.flasher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.flasher.disk.FlashListener.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonEventsTest {
    private long now = 1000;

    @Test
    void progressIsThrottledButFirstAndLastAlwaysCome() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEvents e = new JsonEvents(new PrintStream(out, true, StandardCharsets.UTF_8), () -> now);
        e.progress(Phase.WRITE, 0, 4000);
        now += 100;
        e.progress(Phase.WRITE, 1000, 4000); // too soon: dropped
        now += 200;
        e.progress(Phase.WRITE, 2000, 4000);
        now += 10;
        e.progress(Phase.WRITE, 4000, 4000);
        e.error("refused x: \"quoted\"\n", null);
        assertEquals(List.of(
                "{\"event\":\"progress\",\"phase\":\"write\",\"done\":0,\"total\":4000,\"bytes_per_second\":0}",
                "{\"event\":\"progress\",\"phase\":\"write\",\"done\":2000,\"total\":4000,\"bytes_per_second\":6666}",
                "{\"event\":\"progress\",\"phase\":\"write\",\"done\":4000,\"total\":4000,\"bytes_per_second\":12903}",
                "{\"event\":\"error\",\"message\":\"refused x: \\\"quoted\\\"\\n\",\"hint\":null}"),
                out.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
