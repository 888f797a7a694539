package dev.mote.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.fromArgs(args, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
    }

    @Test
    void withoutArgumentsPrintsUsageAndExits2() {
        assertEquals(2, run());
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("usage: mote-ota"), text);
        assertTrue(text.contains("not implemented yet (see issues)"), text);
    }

    @Test
    void namesTheUnknownCommand() {
        assertEquals(2, run("serve"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'serve'"));
    }
}
