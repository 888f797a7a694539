package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flash partitions, the key-value store and mote_reboot on both boards, through the bootloader
 * from a flash file (src/test/resources/apps/storage, issue 12 gaps 10 and 11): app code cannot
 * write what the update path owns, the store keeps its data across a reboot and across power
 * cycles (runs), and a reboot restarts the board on the same flash.
 */
class StorageTest {
    static final SigningKey KEY = SigningKey.generate();
    static final Path CACHE = Fixtures.repo().resolve("sdk/target/test-bootloaders");

    @TempDir
    Path tmp;

    private Path flashWithApp(String profile) throws IOException {
        Path img = tmp.resolve("storage-" + profile + ".img");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(TestApps.dir("storage"), Fixtures.profile(profile), img,
                new BuildOptions(List.of(), 0, false, KEY, Version.ZERO, 0));
        Path flash = tmp.resolve("flash-" + profile + ".bin");
        FlashImage.forProfile(Fixtures.profile(profile)).withImage(Slot.A, img)
                .withBootState(new BootState(1, Slot.A, Slot.NONE, 0, Slot.A, 0)).write(flash);
        return flash;
    }

    private static Qemu.Boot powerOn(Path flash, String profile) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunResult r = new BootChain(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8), CACHE).run(flash, Fixtures.profile(profile),
                List.of(KEY.publicKey()), Qemu.tcg(), console);
        return new Qemu.Boot(r, console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"), "");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void partitionsStoreAndRebootOnTheSameFlash(String profile) throws IOException {
        Path flash = flashWithApp(profile);
        Qemu.Boot first = powerOn(flash, profile);
        String c = first.console();
        assertFalse(c.contains("FAILED"), c);
        assertTrue(c.contains("storage: raw write to the boot state refused ok"), c);
        assertTrue(c.contains("storage: raw write to the identity refused ok"), c);
        int reboot = c.indexOf("storage: boot 1\n");
        int again = c.indexOf("[boot] slot A: storage", c.indexOf("[mote] rebooting", reboot));
        assertTrue(reboot >= 0 && again > reboot, "the bootloader ran again after the reboot:\n" + c);
        assertTrue(c.indexOf("storage: boot 2\n", again) > again, c);
        assertTrue(c.contains("storage: the note survived the reboot ok"), c);
        assertEquals(2, count(c, "[boot] slot A: storage"), c);
        assertEquals(0, first.result().guestExitCode(), c);

        Qemu.Boot second = powerOn(flash, profile);    // the store outlives the QEMU process too
        assertTrue(second.console().contains("storage: boot 3\n"), second.console());
        assertEquals(0, second.result().guestExitCode(), second.console());
    }
}
