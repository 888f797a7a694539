package dev.mote.flasher.integration;

import dev.mote.sdk.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.flasher.cli.Main;
import dev.mote.flasher.link.LinkTarget;
import dev.mote.flasher.protocol.ProtocolException;
import dev.mote.flasher.protocol.TransferListener;
import dev.mote.flasher.protocol.TransferOptions;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileRegistry;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a link flash refuses, and that a refusal leaves the board as it was: a tampered image
 * never leaves the host, an image for another board is refused in the handshake (no DATA), and
 * an image signed by a key the bootloader does not trust is refused by the device at END and is
 * not marked for a TEST boot. Both through {@link LinkTarget} and through `mote flash`.
 */
class LinkRefusalTest {
    static final String PROFILE = "qemu-microvm-x86_64";

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** `mote flash ARGS`; returns the exit code. */
    private int mote(String... args) {
        out.reset();
        err.reset();
        Context ctx = new Context(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), tmp, false);
        return Main.fromArgs(args, ctx).run();
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path pub(String name, SigningKey key) throws IOException {
        Path pub = tmp.resolve(name + ".pub");
        Keys.writePublic(pub, key.publicKey());
        return pub;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void assertSlotsEmpty(Path flash, Profile p) throws IOException {
        FlashContents after = FlashContents.read(flash, p);
        assertTrue(after.slot(Slot.A).empty() && after.slot(Slot.B).empty(), "nothing written to a slot");
    }

    /** A blank board with its console on 127.0.0.1:port, waiting in recovery mode. */
    private EmulatedBoard blankBoard(Path flash, Profile p, int port) throws IOException {
        FlashImage.forProfile(p).write(flash);
        return EmulatedBoard.powerOn(flash, p, EmulatedBoard.options(Duration.ofSeconds(90)).withSerialPort(port));
    }

    @Test
    void aTamperedImageIsRefusedBeforeConnecting() throws Exception {
        Profile p = Fixtures.profile(PROFILE);
        Path image = EmulatedBoard.build(tmp, p, "1.0.0", 1, TestKeys.KEY);
        byte[] b = Files.readAllBytes(image);
        b[ImageHeader.SIZE + 100] ^= 0x01;   // one payload byte
        Path tampered = tmp.resolve("tampered.img");
        Files.write(tampered, b);
        try (ServerSocket board = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            board.setSoTimeout(300);
            String target = "tcp:127.0.0.1:" + board.getLocalPort();
            ImageException e = assertThrows(ImageException.class, () -> new LinkTarget(target).flash(tampered,
                    TestKeys.trusted(), TransferOptions.defaults(), TransferListener.NONE));
            assertTrue(e.getMessage().startsWith("hash mismatch"), e.getMessage());
            assertEquals(1, mote(tampered.toString(), "--target", target, "--pub", pub("fleet", TestKeys.KEY).toString()));
            assertTrue(err().startsWith("mote: error: hash mismatch"), err());
            assertThrows(SocketTimeoutException.class, board::accept, "the flasher never connected");
        }
    }

    @Test
    void anImageForAnotherBoardIsRefusedInTheHandshake() throws Exception {
        Profile p = Fixtures.profile(PROFILE);
        Path otherBoard = Fixtures.repo().resolve("sdk/src/test/resources/profiles/other-board-x86_64.profile");
        Profile other = new ProfileRegistry(List.of(Fixtures.repo().resolve("device-profiles")), Fixtures.repo())
                .resolve(otherBoard.toString());
        Path foreign = tmp.resolve("foreign.img");
        new BuildDriver(Sdk.locate(System.getenv()), new Tools(System.getenv()), new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build(EmulatedBoard.UPDATE_APP, other,
                foreign, new BuildOptions(List.of(), 0, false, TestKeys.KEY, Version.parse("v", "3.0.0"), 7));
        Path flash = tmp.resolve("blank.bin");
        int port = freePort();
        String target = "tcp:127.0.0.1:" + port;
        String why = "profile mismatch: image is for other-board-x86_64, device is " + PROFILE;
        try (EmulatedBoard board = blankBoard(flash, p, port)) {
            long[] sent = {0};
            TransferListener l = new TransferListener() {
                @Override
                public void progress(long acked, long total) {
                    sent[0] = Math.max(sent[0], acked);
                }
            };
            ProtocolException e = assertThrows(ProtocolException.class, () -> connectAndFlash(target, foreign,
                    TestKeys.trusted(), l));
            assertTrue(e.getMessage().contains(why), e.getMessage());
            assertEquals(0, sent[0], "no DATA acknowledged");
            assertEquals(1, mote(foreign.toString(), "--target", target, "--pub", pub("fleet", TestKeys.KEY).toString()));
            assertTrue(err().contains(why), err());
            assertFalse(board.exit.isDone(), "the board still waits in recovery mode");
        }
        assertSlotsEmpty(flash, p);
    }

    @Test
    void anImageSignedByAKeyTheBootloaderDoesNotTrustIsRefusedAtEnd() throws Exception {
        Profile p = Fixtures.profile(PROFILE);
        SigningKey stranger = SigningKey.generate();
        Path image = EmulatedBoard.build(tmp, p, "1.0.0", 1, stranger);
        Path flash = tmp.resolve("blank.bin");
        int port = freePort();
        String target = "tcp:127.0.0.1:" + port;
        String keyId = HexFormat.of().formatHex(stranger.publicKey().keyId()).substring(0, 16);
        try (EmulatedBoard board = blankBoard(flash, p, port)) {
            assertEquals(null, FlashContents.read(flash, p).bootState(), "a blank board");
            // the host trusts the key it is given, so the image goes over the link...
            ProtocolException e = assertThrows(ProtocolException.class, () -> connectAndFlash(target, image,
                    List.of(stranger.publicKey()), TransferListener.NONE));
            // ...and the device, which does not, refuses it when it checks the slot
            assertTrue(e.getMessage().contains("key") && e.getMessage().contains("unknown key id " + keyId),
                    e.getMessage());
            assertEquals(1, mote(image.toString(), "--target", target, "--pub", pub("stranger", stranger).toString()));
            assertTrue(err().contains("unknown key id " + keyId), err());
            assertFalse(board.exit.isDone(), "the board still waits in recovery mode");
        }
        BootState st = FlashContents.read(flash, p).bootState();
        // a blank board has no boot-state record; a refused END must not create one naming a slot
        assertTrue(st == null || st.pending() == Slot.NONE && st.active() == Slot.NONE,
                "not marked for a TEST boot: " + st);
    }

    /** LinkTarget connects at once; QEMU takes a moment to open its socket. */
    private static void connectAndFlash(String target, Path image, List<VerifyKey> keys, TransferListener l)
            throws Exception {
        Await.retrying(() -> new LinkTarget(target).flash(image, keys, TransferOptions.defaults(), l),
                ConnectException.class, Duration.ofSeconds(10));
    }
}
