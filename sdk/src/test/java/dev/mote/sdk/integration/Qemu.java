package dev.mote.sdk.integration;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Builds an example and boots it under real QEMU (TCG), capturing the console. */
final class Qemu {
    /** Generous for TCG on a loaded CI machine; a working image finishes in a few seconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Boot(RunResult result, String console, String messages) {
    }

    private Qemu() {
    }

    static Path build(String example, String profile, Path outDir) throws IOException {
        return build(example, profile, outDir, BuildOptions.defaults());
    }

    static Path build(String example, String profile, Path outDir, BuildOptions options) throws IOException {
        Path out = outDir.resolve(example + "-" + profile + ".elf");
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(diag, true, StandardCharsets.UTF_8))
                .build(Fixtures.example(example), Fixtures.profile(profile), out, options);
        return out;
    }

    static Boot boot(Path elf, RunOptions options) throws IOException {
        Profile p = QemuRunner.profileFor(elf, null, Fixtures.registry());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        RunResult r = new QemuRunner(Fixtures.tools(), new PrintStream(messages, true, StandardCharsets.UTF_8))
                .run(elf, p, options, console);
        return new Boot(r, console.toString(StandardCharsets.UTF_8), messages.toString(StandardCharsets.UTF_8));
    }

    /** TCG, the default timeout of the tests. */
    static RunOptions tcg() {
        return RunOptions.defaults().withTimeout(TIMEOUT).withAccel(RunOptions.Accel.TCG);
    }
}
