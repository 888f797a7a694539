package dev.mote.flasher.integration;

import dev.mote.sdk.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.protocol.ProtocolException;
import dev.mote.flasher.protocol.Transfer;
import dev.mote.flasher.protocol.TransferImage;
import dev.mote.flasher.protocol.TransferListener;
import dev.mote.flasher.protocol.TransferOptions;
import dev.mote.flasher.protocol.TransferResult;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flashing over a link: an emulated board's serial console on a loopback TCP socket (QEMU
 * -serial tcp:127.0.0.1:PORT) stands in for a USB-serial adapter or ser2net. A blank board's
 * bootloader waits in recovery mode; the flasher sends the image, the device checks it and marks
 * it for a TEST boot, and on REBOOT starts it.
 */
class LinkFlashTest {
    static final Path UPDATE_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/update");
    static final Path CACHE = Fixtures.repo().resolve("flasher/target/test-bootloaders");

    @TempDir
    Path tmp;

    private Path build(Profile p, String version, long counter) throws IOException {
        Path out = tmp.resolve("update-" + version + "-" + p.name() + ".img");
        BuildOptions o = new BuildOptions(List.of(), 0, false, TestKeys.KEY, Version.parse("version", version), counter);
        new BuildDriver(Sdk.locate(System.getenv()), new Tools(System.getenv()), new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build(UPDATE_APP, p, out, o);
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Power the board on with its console on 127.0.0.1:port; completes with the guest's exit code. */
    private static CompletableFuture<Integer> powerOn(Path flash, Profile p, int port) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new BootChain(Sdk.locate(System.getenv()), new Tools(System.getenv()), new PrintStream(
                        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), CACHE)
                        .run(flash, p, TestKeys.trusted(), RunOptions.defaults().withAccel(RunOptions.Accel.TCG)
                                .withTimeout(Duration.ofSeconds(90)).withSerialPort(port), new ByteArrayOutputStream())
                        .guestExitCode();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** QEMU takes a moment to open its socket. */
    private static Socket connect(int port) throws Exception {
        Socket s = Await.retrying(() -> new Socket("127.0.0.1", port), ConnectException.class, Duration.ofSeconds(10));
        s.setTcpNoDelay(true);
        return s;
    }

    private static TransferResult send(Socket s, Path image, TransferOptions o, TransferListener l)
            throws IOException, InterruptedException {
        return Transfer.run(s.getInputStream(), s.getOutputStream(), TransferImage.of(Image.read(image)), o, l);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aBlankBoardIsFlashedOverItsSerialLinkAndBootsTheImage(String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("blank.bin");
        FlashImage.forProfile(p).write(flash);
        Path image = build(p, "1.0.0", 1);
        int port = freePort();
        CompletableFuture<Integer> board = powerOn(flash, p, port);
        TransferResult r;
        try (Socket s = connect(port)) {
            r = send(s, image, TransferOptions.defaults().withReboot(true), TransferListener.NONE);
        }
        assertEquals(profile, r.device().profile());
        assertEquals(Image.read(image).size(), r.imageSize());
        assertTrue(r.compressedFrames() > 0, "the bootloader offers LZ4 and an app's code compresses");
        assertTrue(r.bytesSent() < r.imageSize() * 90 / 100, "compressed: " + r.bytesSent() + " wire bytes");
        assertEquals(0, board.get(90, TimeUnit.SECONDS), "the new image booted and confirmed itself");
        BootState st = FlashContents.read(flash, p).bootState();
        assertEquals(Slot.A, st.active());
        assertEquals(1, st.securityCounter(), "it confirmed: its counter is the floor now");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64"})
    void aCutLinkResumesWhereTheDeviceSaysItStopped(String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("blank.bin");
        FlashImage.forProfile(p).write(flash);
        Path image = build(p, "1.0.0", 1);
        int port = freePort();
        CompletableFuture<Integer> board = powerOn(flash, p, port);
        try (Socket s = connect(port)) {
            TransferListener cutAtHalf = new TransferListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 2) {
                        try {
                            s.close();
                        } catch (IOException e) {
                            // closing is the point
                        }
                    }
                }
            };
            assertThrows(IOException.class, () -> send(s, image, TransferOptions.defaults(), cutAtHalf));
        }
        TransferResult r;
        try (Socket s = connect(port)) {
            r = send(s, image, TransferOptions.defaults().withReboot(true), TransferListener.NONE);
        }
        assertTrue(r.resumedFrom() > 0, "resumed from " + r.resumedFrom());
        assertTrue(r.compressedFrames() > 0, "compressed, resumed in image bytes");
        assertEquals(0, board.get(90, TimeUnit.SECONDS));
    }

    /** A link cut halfway through sending {@code image} (the device keeps a resume record for it). */
    private static void cutHalfway(int port, TransferImage image) throws Exception {
        try (Socket s = connect(port)) {
            TransferListener cutAtHalf = new TransferListener() {
                @Override
                public void progress(long acked, long total) {
                    if (acked > total / 2) {
                        try {
                            s.close();
                        } catch (IOException e) {
                            // closing is the point
                        }
                    }
                }
            };
            assertThrows(IOException.class, () -> Transfer.run(s.getInputStream(), s.getOutputStream(), image,
                    TransferOptions.defaults(), cutAtHalf));
        }
    }

    /**
     * The resume record is tied to what the slot holds: a transfer cut halfway leaves a record
     * for its image, then something else writes the slot (here: the test, as the OTA agent or a
     * disk flasher would). The next flash of the same image must not resume over those bytes: it
     * starts at 0 and goes through at once (it used to resume, fail its END check and fail once).
     */
    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64"})
    void aResumeRecordOverBytesWrittenSinceIsNotResumed(String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("blank.bin");
        FlashImage.forProfile(p).write(flash);
        Path image = build(p, "1.0.0", 1);
        int port = freePort();
        powerOn(flash, p, port);
        cutHalfway(port, TransferImage.of(Image.read(image)));
        try (Socket s = connect(port)) {   // a HELLO makes the device save its record; then it is refused
            Path foreign = tmp.resolve("foreign.img");
            dev.mote.sdk.testing.TestImage.of("qemu-microvm-x86_64").sign().write(foreign);
            assertThrows(ProtocolException.class, () -> send(s, foreign, TransferOptions.defaults(),
                    TransferListener.NONE));
        }
        EmulatedBoard.powerOff(flash);
        Thread.sleep(500);
        long persist = p.partition("persist").offset();
        long slotA = p.partition("slot_a").offset();
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(flash.toFile(), "rw")) {
            byte[] record = new byte[12];
            f.seek(persist);
            f.readFully(record);
            assertEquals("MRSM", new String(record, 0, 4, StandardCharsets.US_ASCII), "a resume record");
            long offset = (record[8] & 0xff) | (record[9] & 0xff) << 8 | (record[10] & 0xff) << 16
                    | (long) (record[11] & 0xff) << 24;
            assertTrue(offset > 0, "it vouches for " + offset + " bytes");
            byte[] other = new byte[(int) Math.min(offset, 64 << 10)];
            java.util.Arrays.fill(other, (byte) 0x5a);
            f.seek(slotA + 512);
            f.write(other);   // the slot, written since by someone else
        }
        int port2 = freePort();
        CompletableFuture<Integer> board = powerOn(flash, p, port2);
        TransferResult r;
        try (Socket s = connect(port2)) {
            r = send(s, image, TransferOptions.defaults().withReboot(true), TransferListener.NONE);
        }
        assertEquals(0, r.resumedFrom(), "not resumed over bytes that are no longer the image's");
        assertFalse(r.restarted(), "refused at BEGIN, not found out at END");
        assertEquals(0, board.get(90, TimeUnit.SECONDS));
    }

    /**
     * A host sends other bytes after an image's header (a broken or hostile flasher), and its
     * link is cut: the device's record vouches for bytes that are not that image's. The next
     * flash of the real image resumes, fails the END check, and is sent again whole at once
     * instead of failing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64"})
    void bytesThatWereNotTheImagesAreSentAgainNotFailed(String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("blank.bin");
        FlashImage.forProfile(p).write(flash);
        Path image = build(p, "1.0.0", 1);
        byte[] forged = java.nio.file.Files.readAllBytes(image);
        for (int i = 256; i < forged.length - 104; i++) {
            forged[i] = (byte) (i * 31);
        }
        int port = freePort();
        CompletableFuture<Integer> board = powerOn(flash, p, port);
        cutHalfway(port, TransferImage.of(Image.wrap(forged)));
        TransferResult r;
        try (Socket s = connect(port)) {
            r = send(s, image, TransferOptions.defaults().withReboot(true), TransferListener.NONE);
        }
        assertTrue(r.restarted(), "resumed over the other bytes, found out at END, sent again");
        assertEquals(0, board.get(90, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-microvm-x86_64"})
    void aDowngradeIsRefusedBeforeAnyDataIsSent(String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        Path flash = tmp.resolve("flash.bin");
        // a board that once ran an image with security counter 5, and now has nothing bootable
        FlashImage.forProfile(p).withBootState(new BootState(1, Slot.NONE, Slot.NONE, 0, Slot.NONE, 5)).write(flash);
        Path old = build(p, "1.0.0", 1);
        int port = freePort();
        CompletableFuture<Integer> board = powerOn(flash, p, port);
        try (Socket s = connect(port)) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> send(s, old, TransferOptions.defaults(), TransferListener.NONE));
            assertTrue(e.getMessage().contains("security counter"), e.getMessage());
        }
        board.cancel(true);
        EmulatedBoard.powerOff(flash);
        FlashContents after = FlashContents.read(flash, p);
        assertTrue(after.slot(Slot.A).empty() && after.slot(Slot.B).empty(), "nothing written to a slot");
    }
}
