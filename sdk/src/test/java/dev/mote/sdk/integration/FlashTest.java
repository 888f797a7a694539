package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The virtio-blk flash, end to end: the flash test app (src/test/resources/apps/flash) writes
 * patterns through mote_flash_write on a real QEMU virtio-blk device backed by a file, and we
 * read the file afterwards. Runs on legacy (QEMU's default for virtio-mmio) and modern
 * (virtio 1.x) transports, and on a board with no flash at all.
 */
class FlashTest {
    private static final int FLASH_BYTES = 1 << 20;
    /** The app's exit code when the board has no flash (MOTE_ENODEV). */
    private static final int EXIT_NO_FLASH = 4;

    /** What the app writes: offset (from the end if negative), length, seed; as in main.c. */
    private static final long[][] RANGES = {
        {4096, 512, 0x11}, {10000, 100, 0x22}, {20473, 1000, 0x33}, {65836, 40000, 0x44}, {-3, 3, 0x55},
    };

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"qemu-virt-arm64, legacy", "qemu-microvm-x86_64, legacy",
        "qemu-virt-arm64, modern", "qemu-microvm-x86_64, modern"})
    void appWritesReachTheFlashFile(String profile, String transport) throws IOException {
        Path flash = tmp.resolve("flash.img");
        byte[] initial = new byte[FLASH_BYTES];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = (byte) (i % 251);
        }
        Files.write(flash, initial);

        List<String> args = new ArrayList<>(List.of("-drive", "file=" + flash + ",if=none,format=raw,id=flash",
                "-device", "virtio-blk-device,drive=flash"));
        if (transport.equals("modern")) {
            args.addAll(List.of("-global", "virtio-mmio.force-legacy=false"));
        }
        Qemu.Boot b = Qemu.boot(buildApp(profile), Qemu.tcg().withExtraArgs(args));
        assertTrue(b.console().contains("flash: " + FLASH_BYTES + " bytes"), b.console());
        assertTrue(b.console().contains("flash: ok"), b.console());
        assertEquals(0, b.result().guestExitCode(), b.console());

        byte[] expected = initial.clone();
        for (long[] r : RANGES) {
            int off = (int) (r[0] < 0 ? FLASH_BYTES + r[0] : r[0]);
            for (int k = 0; k < r[1]; k++) {
                expected[off + k] = (byte) (r[2] + 13 * k);
            }
        }
        byte[] disk = Files.readAllBytes(flash);
        assertEquals(FLASH_BYTES, disk.length);
        for (int i = 0; i < FLASH_BYTES; i++) {
            if (disk[i] != expected[i]) {
                throw new AssertionError(String.format("flash byte %d is 0x%02x, want 0x%02x", i,
                        disk[i] & 0xff, expected[i] & 0xff));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void withoutAFlashTheAppSeesNoDevice(String profile) throws IOException {
        Qemu.Boot b = Qemu.boot(buildApp(profile), Qemu.tcg());
        assertTrue(b.console().contains("flash: none (MOTE_ENODEV)"), b.console());
        assertEquals(EXIT_NO_FLASH, b.result().guestExitCode(), b.console());
    }

    private Path buildApp(String profile) throws IOException {
        Path app = Fixtures.repo().resolve("sdk/src/test/resources/apps/flash");
        Path out = tmp.resolve("flash-" + profile + ".elf");
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(diag, true, StandardCharsets.UTF_8))
                .build(app, Fixtures.profile(profile), out, BuildOptions.defaults());
        return out;
    }
}
