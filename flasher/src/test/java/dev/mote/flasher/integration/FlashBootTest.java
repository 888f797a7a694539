package dev.mote.flasher.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.disk.BlockTarget;
import dev.mote.flasher.disk.FlashListener;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flasher's output boots: a flash file written by {@link BlockTarget} is powered on under
 * QEMU with the real bootloader (the SDK's BootChain), first as a factory flash, then with an
 * update in the other slot that boots in TEST and confirms.
 */
class FlashBootTest {
    static final Path UPDATE_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/update");
    static final Path CACHE = Fixtures.repo().resolve("flasher/target/test-bootloaders");

    @TempDir
    Path tmp;

    private static Sdk sdk() throws IOException {
        return Sdk.locate(System.getenv());
    }

    private Path build(Profile p, String version, long counter) throws IOException {
        Path out = tmp.resolve("update-" + version + ".img");
        BuildOptions o = new BuildOptions(List.of(), 0, false, TestKeys.KEY, Version.parse("version", version), counter);
        new BuildDriver(sdk(), new Tools(System.getenv()), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(UPDATE_APP, p, out, o);
        return out;
    }

    private static String boot(Path flash, Profile p) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunResult r = new BootChain(sdk(), new Tools(System.getenv()), new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8), CACHE).run(flash, p, TestKeys.trusted(), RunOptions.defaults()
                .withTimeout(Duration.ofSeconds(60)).withAccel(RunOptions.Accel.TCG), console);
        String text = console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertEquals(0, r.guestExitCode(), text);
        return text;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aFlashedBoardBootsItsFactoryImageThenTheUpdate(String profile) throws IOException {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("flash.bin");
        new BlockTarget(flash, p).flash(build(p, "1.0.0", 1), TestKeys.trusted(), FlashListener.NONE);
        String first = boot(flash, p);
        assertTrue(first.contains("update: running slot A version 1.0.0\n"), first);

        new BlockTarget(flash, p).flash(build(p, "2.0.0", 2), TestKeys.trusted(), FlashListener.NONE);
        String second = boot(flash, p);
        assertTrue(second.contains("[boot] slot B: new image, starting it in TEST"), second);
        assertTrue(second.contains("update: running slot B version 2.0.0 (TEST)"), second);
        assertTrue(second.contains("update: confirm ok"), second);
        assertEquals(Slot.B, FlashContents.read(flash, p).bootState().active(), "B confirmed itself");
        assertEquals(2, FlashContents.read(flash, p).bootState().securityCounter());
    }
}
