package dev.mote.sdk.cli;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs `mote` commands in-process in a directory, capturing stdout and stderr. */
final class CliHarness {
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    CliHarness(Path dir) {
        this.dir = dir;
        env.put("PATH", System.getenv("PATH"));
    }

    CliHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    private Context context() {
        return new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dir, false);
    }

    Dispatcher.Parsed parse(String... args) {
        return Main.fromArgs(args, context());
    }

    /** Runs the command and returns its exit code; output and error accumulate until {@link #reset}. */
    int run(String... args) {
        return parse(args).run();
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    CliHarness reset() {
        out.reset();
        err.reset();
        return this;
    }

    /** A small signed image ("blink" 1.4.2, 19 payload bytes) written to dir/name. */
    static Image writeImage(Path dir, String name, SigningKey key, String profile, long counter) throws IOException {
        Image img = TestImage.of(profile).version("1.4.2").app("blink").counter(counter)
                .payload("not really firmware".getBytes()).sign(key);
        img.write(dir.resolve(name));
        return img;
    }
}
