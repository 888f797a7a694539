package dev.mote.flasher.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.link.LinkTarget;
import dev.mote.flasher.protocol.TransferListener;
import dev.mote.flasher.protocol.TransferOptions;
import dev.mote.flasher.protocol.TransferResult;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flashing over a serial line: the emulated board's console is a pseudo-terminal (QEMU -serial
 * pty), standing in for a USB-serial adapter, and the flasher opens it as {@code serial:/dev/pts/N}
 * (stty raw, then plain reads and writes).
 */
class SerialFlashTest {
    static final Pattern PTY = Pattern.compile("char device redirected to (/dev/pts/\\d+) \\(label serial0\\)");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64"})
    void aBlankBoardIsFlashedThroughItsSerialPortAndBootsTheImage(String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("blank.bin");
        FlashImage.forProfile(p).write(flash);
        Path image = EmulatedBoard.build(tmp, p, "1.0.0", 1, TestKeys.KEY);
        CompletableFuture<String> pty = new CompletableFuture<>();
        try (EmulatedBoard board = EmulatedBoard.powerOn(flash, p, EmulatedBoard.options(Duration.ofSeconds(90))
                .withSerialPty().withQemuMessages(line -> {
                    Matcher m = PTY.matcher(line);
                    if (m.find()) {
                        pty.complete(m.group(1));
                    }
                }))) {
            String port = pty.get(60, TimeUnit.SECONDS);
            TransferResult r = new LinkTarget("serial:" + port).flash(image, TestKeys.trusted(),
                    TransferOptions.defaults().withReboot(true), TransferListener.NONE);
            assertEquals(profile, r.device().profile());
            assertEquals(Image.read(image).size(), r.imageSize());
            assertEquals(0, board.exit.get(90, TimeUnit.SECONDS), "the new image booted and confirmed itself");
        }
        BootState st = FlashContents.read(flash, p).bootState();
        assertEquals(Slot.A, st.active());
        assertEquals(Slot.NONE, st.pending());
        assertTrue(st.securityCounter() == 1, "it confirmed: its counter is the floor now");
    }
}
