package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.ConsoleWatch;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verified boot on both QEMU boards, end to end: images signed by the Java tools, the real
 * bootloader built for the board with the trusted key, and a flash file the device writes to.
 * Each test boots the board like a device would be powered on, sometimes twice in a row.
 */
class VerifiedBootTest {
    static final SigningKey KEY = SigningKey.generate();
    static final Path UPDATE_APP = Fixtures.repo().resolve("sdk/src/test/resources/apps/update");
    static final Path CACHE = Fixtures.repo().resolve("sdk/target/test-bootloaders");

    @TempDir
    Path tmp;

    record Boot(int exit, String console) {
    }

    /** The update test app signed with {@code key} as version {@code version}. */
    private Path image(String profile, String version, long counter, SigningKey key, String... defines)
            throws IOException {
        Path out = tmp.resolve("update-" + version + "-" + counter + "-" + String.join("_", defines) + "-"
                + profile + ".img");
        BuildOptions o = new BuildOptions(List.of(defines), 0, false, key, Version.parse("version", version), counter);
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(UPDATE_APP, Fixtures.profile(profile), out, o);
        return out;
    }

    private Path image(String profile, String version, long counter) throws IOException {
        return image(profile, version, counter, KEY);
    }

    private Path flash(String profile, Path slotA, Path slotB, BootState state) throws IOException {
        Path f = tmp.resolve("flash-" + profile + ".bin");
        FlashImage fi = FlashImage.forProfile(Fixtures.profile(profile)).withBootState(state);
        if (slotA != null) {
            fi = fi.withImage(Slot.A, slotA);
        }
        if (slotB != null) {
            fi = fi.withImage(Slot.B, slotB);
        }
        fi.write(f);
        return f;
    }

    /** Power the board on with this flash; the bootloader trusts KEY. */
    private static Boot boot(Path flash, String profile) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        Profile p = Fixtures.profile(profile);
        RunResult r = new BootChain(Fixtures.sdk(), Fixtures.tools(), new PrintStream(notes, true,
                StandardCharsets.UTF_8), CACHE).run(flash, p, List.of(KEY.publicKey()), Qemu.tcg(), console);
        return new Boot(r.guestExitCode(), console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    /** Power the board on and pull the plug after {@code millis}; returns what the console showed. */
    private static String bootAndCut(Path flash, String profile, long millis) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunOptions o = Qemu.tcg().withTimeout(Duration.ofMillis(millis));
        MoteException cut = assertThrows(MoteException.class, () -> new BootChain(Fixtures.sdk(), Fixtures.tools(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), CACHE)
                .run(flash, Fixtures.profile(profile), List.of(KEY.publicKey()), o, console));
        assertTrue(cut.getMessage().startsWith("timed out"), cut.getMessage());
        return console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /**
     * Boots the board and cuts its power (QEMU killed) {@code delayMs} after the console's
     * {@code times}-th line starting with {@code marker}: a cut placed by what the device is doing,
     * not by the clock, so a loaded machine moves it nowhere.
     */
    private static String bootAndCutAfter(Path flash, String profile, String marker, int times, int delayMs)
            throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunOptions o = Qemu.tcg().withTimeout(Duration.ofSeconds(120));
        int[] seen = {0};
        ConsoleWatch cutter = line -> {
            if (line.startsWith(marker) && ++seen[0] >= times) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new MoteException("power cut", "");
            }
            return null;
        };
        MoteException cut = assertThrows(MoteException.class, () -> new BootChain(Fixtures.sdk(), Fixtures.tools(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), CACHE)
                .run(flash, Fixtures.profile(profile), List.of(KEY.publicKey()), o, console, cutter));
        assertEquals("power cut", cut.getMessage(), console.toString(StandardCharsets.UTF_8));
        return console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static void flipByte(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 0x01;
        Files.write(file, b);
    }

    private static BootState stateOf(Path flash, String profile) throws IOException {
        return FlashContents.read(flash, Fixtures.profile(profile)).bootState();
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aFactoryImageIsVerifiedAndStarted(String profile) throws IOException {
        Boot b = boot(flash(profile, image(profile, "1.0.0", 1), null, null), profile);
        assertTrue(b.console().matches("(?s).*\\[boot\\] slot A: update 1\\.0\\.0 \\(security counter 1\\), "
                + "verified in \\d+ us\\n.*"), b.console());
        assertTrue(b.console().contains("update: running slot A version 1.0.0\n"), b.console());
        assertTrue(b.console().contains("update: confirm ok"), b.console());
        assertEquals(0, b.exit(), b.console());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aTestImageThatCrashesIsRevertedOnTheNextBoot(String profile) throws IOException {
        Path flash = flash(profile, image(profile, "1.0.0", 1),
                image(profile, "2.0.0", 2, KEY, "CRASH_BEFORE_CONFIRM"), BootState.fresh(Slot.A, Slot.B, 1));
        Boot first = boot(flash, profile);
        assertTrue(first.console().contains("[boot] slot B: new image, starting it in TEST"), first.console());
        assertTrue(first.console().contains("update: running slot B version 2.0.0 (TEST)"), first.console());
        assertEquals(101, first.exit(), first.console());

        Boot second = boot(flash, profile);
        assertTrue(second.console().contains("[boot] slot B: TEST image was not confirmed; reverting"),
                second.console());
        assertTrue(second.console().contains("update: running slot A version 1.0.0\n"), second.console());
        assertEquals(0, second.exit(), second.console());
        BootState s = stateOf(flash, profile);
        assertEquals(Slot.A, s.active());
        assertEquals(Slot.NONE, s.pending());
        assertEquals(1, s.securityCounter(), "the reverted image never raised the floor");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aTestImageThatHangsIsResetByTheWatchdogAndReverted(String profile) throws IOException {
        Path flash = flash(profile, image(profile, "1.0.0", 1),
                image(profile, "2.0.0", 2, KEY, "HANG_BEFORE_CONFIRM"), BootState.fresh(Slot.A, Slot.B, 1));
        Boot first = boot(flash, profile);
        assertTrue(first.console().contains("update: hanging before confirming"), first.console());
        assertTrue(first.console().contains("[mote] watchdog: TEST image not confirmed within 1500 ms"),
                first.console());
        assertEquals(103, first.exit(), first.console());

        Boot second = boot(flash, profile);
        assertTrue(second.console().contains("[boot] slot B: TEST image was not confirmed; reverting"),
                second.console());
        assertTrue(second.console().contains("update: running slot A version 1.0.0\n"), second.console());
        assertEquals(0, second.exit(), second.console());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aConfirmedImageStaysAndRaisesTheSecurityCounter(String profile) throws IOException {
        Path flash = flash(profile, image(profile, "1.0.0", 1), image(profile, "2.0.0", 2),
                BootState.fresh(Slot.A, Slot.B, 1));
        Boot first = boot(flash, profile);
        assertTrue(first.console().contains("update: running slot B version 2.0.0 (TEST)"), first.console());
        assertTrue(first.console().contains("update: confirm ok"), first.console());
        assertEquals(0, first.exit(), first.console());

        Boot second = boot(flash, profile);
        assertFalse(second.console().contains("TEST"), second.console());
        assertTrue(second.console().contains("update: running slot B version 2.0.0\n"), second.console());
        BootState s = stateOf(flash, profile);
        assertEquals(Slot.B, s.active());
        assertEquals(2, s.securityCounter());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void tamperedImagesAreRefusedAndTheGoodSlotBoots(String profile) throws IOException {
        Path good = image(profile, "1.0.0", 1);
        Path update = image(profile, "2.0.0", 2);
        long payload = Files.size(update) - 256 - 104;
        // a bit flip in the header (the version), the payload, and the signature itself
        long[] offsets = {0x20, 256 + payload / 2, 256 + payload + 40 + 10};
        String[] reasons = {"bad signature", "hash mismatch", "bad signature"};
        for (int i = 0; i < offsets.length; i++) {
            Path bad = tmp.resolve("bad-" + i + ".img");
            Files.copy(update, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            flipByte(bad, offsets[i]);
            Boot b = boot(flash(profile, good, bad, BootState.fresh(Slot.A, Slot.B, 1)), profile);
            assertTrue(b.console().contains("[boot] slot B refused: " + reasons[i]), b.console());
            assertTrue(b.console().contains("update: running slot A version 1.0.0\n"), b.console());
            assertEquals(0, b.exit(), b.console());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void withNoGoodImageTheBootloaderSaysWhyAndWaitsForTheFlasher(String profile) throws IOException {
        Path bad = image(profile, "1.0.0", 1);
        flipByte(bad, 256 + 100);
        String console = bootUntil(flash(profile, bad, null, null), profile, "recovery mode").console();
        assertTrue(console.contains("[boot] slot A refused: hash mismatch"), console);
        assertTrue(console.contains("[boot] slot B refused: empty"), console);
        assertTrue(console.contains("[boot] no bootable image in slot A or B"), console);
        assertTrue(console.contains("[boot] no bootable image: recovery mode, waiting for the flasher"), console);
        assertFalse(console.contains("update: running"), console);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void wrongKeyDowngradeAndWrongProfileAreRefused(String profile) throws IOException {
        Path good = image(profile, "1.0.0", 5);
        Path otherKey = image(profile, "2.0.0", 6, SigningKey.generate());
        Boot b = boot(flash(profile, good, otherKey, BootState.fresh(Slot.A, Slot.B, 5)), profile);
        assertTrue(b.console().matches("(?s).*\\[boot\\] slot B refused: unknown key id [0-9a-f]{16}\\.\\.\\..*"),
                b.console());
        assertEquals(0, b.exit(), b.console());

        Path old = image(profile, "0.9.0", 4);
        b = boot(flash(profile, good, old, BootState.fresh(Slot.A, Slot.B, 5)), profile);
        assertTrue(b.console().contains("[boot] slot B refused: downgrade: security counter 4 < 5"), b.console());
        assertTrue(b.console().contains("update: running slot A version 1.0.0\n"), b.console());

        String other = Fixtures.profile(profile).arch().keyword().equals("arm64") ? "other-board-arm64"
                : "other-board-x86_64";
        Path otherBoard = Fixtures.repo().resolve("sdk/src/test/resources/profiles/" + other + ".profile");
        Path foreign = tmp.resolve("foreign.img");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(UPDATE_APP, Fixtures.registry().resolve(otherBoard.toString()),
                foreign, new BuildOptions(List.of(), 0, false, KEY, Version.parse("v", "3.0.0"), 7));
        // FlashImage refuses a foreign image, as a flasher must: put it in place byte by byte
        Path flash = flash(profile, good, null, BootState.fresh(Slot.A, Slot.NONE, 5));
        byte[] f = Files.readAllBytes(flash);
        byte[] img = Files.readAllBytes(foreign);
        long slotB = Fixtures.profile(profile).partition("slot_b").offset();
        System.arraycopy(img, 0, f, (int) slotB, img.length);
        BootState pending = BootState.fresh(Slot.A, Slot.B, 5).withSeq(2);
        System.arraycopy(pending.toBytes(), 0, f, BootState.copyFor(2) * BootState.COPY_STRIDE, BootState.SIZE);
        Files.write(flash, f);
        b = boot(flash, profile);
        assertTrue(b.console().contains("[boot] slot B refused: profile mismatch: image is for " + other
                + ", device is " + profile), b.console());
        assertEquals(0, b.exit(), b.console());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void cuttingThePowerWhileTheBootStateIsWrittenLosesNothing(String profile) throws IOException {
        Path flash = flash(profile, image(profile, "1.0.0", 1, KEY, "STATE_WRITER"), null, null);
        long lastSeq = 0;
        int rewrites = 0;
        // The first cut at a time (it may fall before, during or after the bootloader's first
        // write of a factory-fresh board); the rest while the app rewrites the record, cut when
        // the console shows the k-th batch of rewrites plus a few ms, whatever the machine's load.
        String console0 = bootAndCut(flash, profile, 700);
        BootState s0 = stateOf(flash, profile);
        if (s0 != null) {
            assertEquals(Slot.A, s0.active(), console0);
            lastSeq = s0.seq();
        } else {
            assertFalse(console0.contains("update: running slot A"), "the app ran, so the bootloader had "
                    + "written the record, and a cut lost it:\n" + console0);
        }
        int[][] cuts = {{1, 0}, {2, 3}, {1, 7}, {3, 1}, {2, 11}};
        for (int[] cut : cuts) {
            String console = bootAndCutAfter(flash, profile, "update: rewrote the boot state", cut[0], cut[1]);
            BootState s = stateOf(flash, profile);
            assertTrue(s != null, "after a cut while rewriting a valid record is left:\n" + console);
            assertEquals(Slot.A, s.active());
            assertTrue(s.seq() >= lastSeq, "the record never goes back: " + s.seq() + " < " + lastSeq);
            lastSeq = s.seq();
            if (console.contains("update: rewrote the boot state")) {
                rewrites++;
            }
            assertTrue(console.contains("[boot] slot A: update 1.0.0"), console);
        }
        assertTrue(rewrites >= 2, "the power was cut while the record was being rewritten");
        Boot after = bootUntil(flash, profile, "update: confirm ok");
        assertTrue(after.console().contains("update: running slot A version 1.0.0\n"), after.console());
    }

    /** Puts {@code img} into slot B byte by byte (FlashImage refuses what no device may load) and marks it pending. */
    private static void plantPending(Path flash, String profile, byte[] img, long counter) throws IOException {
        byte[] f = Files.readAllBytes(flash);
        long slotB = Fixtures.profile(profile).partition("slot_b").offset();
        System.arraycopy(img, 0, f, (int) slotB, img.length);
        BootState pending = BootState.fresh(Slot.A, Slot.B, counter).withSeq(2);
        System.arraycopy(pending.toBytes(), 0, f, BootState.copyFor(2) * BootState.COPY_STRIDE, BootState.SIZE);
        Files.write(flash, f);
    }

    /**
     * A validly signed image whose load range wraps past 2^64: the bootloader used to accept it
     * and fault while loading it, on every boot, never reaching the good slot. Now it is refused
     * by the header rules, and the board runs slot A on the same boot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aSignedImageWhoseRangeWrapsIsRefusedAndTheGoodSlotBoots(String profile) throws IOException {
        Path flash = flash(profile, image(profile, "1.0.0", 1), null, BootState.fresh(Slot.A, Slot.NONE, 1));
        long top = 0xfffffffffffff000L;
        byte[] wraps = TestImage.of(profile).load(top).entry(top).randomPayload(0x2000, 9).version("6.6.6").counter(2)
                .sign(KEY).toBytes();
        plantPending(flash, profile, wraps, 1);
        Boot b = boot(flash, profile);
        assertTrue(b.console().contains(
                "[boot] slot B refused: bad header: load range wraps past the end of the address space"), b.console());
        assertTrue(b.console().contains("update: running slot A version 1.0.0\n"), b.console());
        assertEquals(0, b.exit(), b.console());
        assertEquals(Slot.NONE, stateOf(flash, profile).pending());
    }

    /**
     * A TEST attempt counts from the moment the bootloader touches the candidate (MCUboot's
     * lesson): gdb stops the bootloader as it starts checking the pending slot, and the power is
     * cut there, as a fault, a hang or a reset while loading would. The next boot must revert to
     * the confirmed slot, never try the candidate again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void aResetWhileTheCandidateIsLoadedRevertsIt(String profile) throws Exception {
        Path flash = flash(profile, image(profile, "1.0.0", 1), image(profile, "2.0.0", 2),
                BootState.fresh(Slot.A, Slot.B, 1));
        String gdb = cutAtFirstSlotCheck(flash, profile);
        assertTrue(gdb.contains("Breakpoint 1, slot_check"), gdb);
        BootState s = stateOf(flash, profile);
        assertEquals(Slot.B, s.pending());
        assertEquals(1, s.tries(), "the attempt was on flash before the candidate was read");

        Boot b = boot(flash, profile);
        assertTrue(b.console().contains("[boot] slot B: TEST image was not confirmed; reverting"), b.console());
        assertFalse(b.console().contains("update: running slot B"), b.console());
        assertTrue(b.console().contains("update: running slot A version 1.0.0\n"), b.console());
        assertEquals(0, b.exit(), b.console());
    }

    /**
     * Powers the board on under gdb, which stops the bootloader at its first slot_check (the
     * pending slot's, boot_choose tries it first) and kills QEMU there; returns gdb's output.
     */
    private static String cutAtFirstSlotCheck(Path flash, String profile) throws Exception {
        Profile p = Fixtures.profile(profile);
        int port;
        try (ServerSocket sock = new ServerSocket(0)) {
            port = sock.getLocalPort();
        }
        BootChain chain = new BootChain(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8), CACHE);
        Path loader = chain.bootloader(p, List.of(KEY.publicKey()));
        RunOptions o = Qemu.tcg().withGdbPort(port);
        CompletableFuture<Void> qemu = CompletableFuture.runAsync(() -> {
            try {
                chain.run(flash, p, List.of(KEY.publicKey()), o, new ByteArrayOutputStream());
            } catch (IOException | RuntimeException e) {
                // gdb's kill ends QEMU: how the runner reports that does not matter here
            }
        });
        Process g = new ProcessBuilder(Fixtures.tools().require("gdb-multiarch").toString(), "-q", "-batch", "-nx",
                loader.toString(), "-ex", "set tcp auto-retry on", "-ex", "set tcp connect-timeout 30",
                "-ex", "target remote 127.0.0.1:" + port, "-ex", "break slot_check", "-ex", "continue",
                "-ex", "kill").redirectErrorStream(true).start();
        g.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(g.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!g.waitFor(90, TimeUnit.SECONDS)) {
            g.destroyForcibly();
        }
        String text = out.get(10, TimeUnit.SECONDS);
        try {
            qemu.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("QEMU still runs after gdb's kill:\n" + text, e);
        }
        return text;
    }

    /** Boot until the console shows {@code line}, then cut the power (the app may never stop). */
    private static Boot bootUntil(Path flash, String profile, String line) throws IOException {
        for (long millis = 1500; millis <= 12000; millis *= 2) {
            String console = bootAndCut(flash, profile, millis);
            if (console.contains(line)) {
                return new Boot(-1, console);
            }
        }
        throw new AssertionError("the board never got to '" + line + "'");
    }
}
