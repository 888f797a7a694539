package dev.mote.ota.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.cli.Context;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mote ota serve`'s database and instance options, and `mosquitto-config --instances`: parsing only. */
class ServeArgsTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, false);
        return Main.fromArgs(args, ctx).run();
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anInstanceNeedsADatabaseToShare() {
        assertEquals(2, run("serve", "--instance", "1"));
        assertTrue(err().contains("--instance: only with --db postgresql://"), err());
    }

    @Test
    void aBadDatabaseUrlIsAUsageErrorThatNeverShowsThePassword() {
        assertEquals(2, run("serve", "--db", "postgresql://ota:hunter2secret@db.lan"));
        assertTrue(err().contains("--db: needs a host and a database"), err());
        assertFalse(err().contains("hunter2secret"), err());
        assertEquals(2, run("serve", "--db-password-file", "pw"));
        assertTrue(err().contains("--db-password-file: only with --db"), err());
    }

    @Test
    void instanceNamesAreShortLowerCaseWords() {
        assertEquals(2, run("serve", "--db", "postgresql://ota@db.lan/fleet", "--instance", "Web_1"));
        assertTrue(err().contains("--instance: 'Web_1' is not 1-32 of a-z 0-9 -"), err());
        assertEquals(List.of("1", "2", "3"), MosquittoConfigCommand.instances("3"));
        assertEquals(List.of("eu-1", "us-1"), MosquittoConfigCommand.instances("eu-1,us-1"));
        assertEquals(List.of(), MosquittoConfigCommand.instances(null));
    }
}
