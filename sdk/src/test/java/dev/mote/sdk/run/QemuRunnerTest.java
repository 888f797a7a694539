package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.build.BuildDriver;
import dev.mote.sdk.build.BuildOptions;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the profile for an image, and refusing what cannot run; no QEMU is started. */
class QemuRunnerTest {
    @TempDir
    Path tmp;

    private Path build(String profile) throws IOException {
        Path out = tmp.resolve("hello-" + profile + ".elf");
        new BuildDriver(Fixtures.sdk(), Fixtures.tools(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).build(Fixtures.example("hello"), Fixtures.profile(profile), out,
                BuildOptions.defaults());
        return out;
    }

    @Test
    void theProfileComesFromTheImage() throws IOException {
        Path elf = build("qemu-microvm-x86_64");
        assertEquals("qemu-microvm-x86_64", QemuRunner.profileFor(elf, null, Fixtures.registry()).name());
        assertEquals("qemu-microvm-x86_64",
                QemuRunner.profileFor(elf, "qemu-microvm-x86_64", Fixtures.registry()).name());
    }

    @Test
    void aMismatchingProfileIsAnError() throws IOException {
        Path elf = build("qemu-virt-arm64");
        MoteException e = assertThrows(MoteException.class,
                () -> QemuRunner.profileFor(elf, "qemu-microvm-x86_64", Fixtures.registry()));
        assertEquals(elf + " was built for qemu-virt-arm64, not qemu-microvm-x86_64", e.getMessage());
    }

    @Test
    void hardwareProfilesDoNotRun() throws IOException {
        Path elf = build("pc-x86_64");
        MoteException e = assertThrows(MoteException.class, () -> new QemuRunner(Fixtures.tools(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(elf, QemuRunner.profileFor(elf, null, Fixtures.registry()), RunOptions.defaults(),
                        new ByteArrayOutputStream()));
        assertTrue(e.getMessage().startsWith("profile pc-x86_64 is built-not-run"), e.getMessage());
    }

    @Test
    void qemuMessagesReachTheListenerAsTheyEndAndAllBytesAreKept() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        QemuRunner.LineTee tee = new QemuRunner.LineTee(all, lines::add);
        byte[] text = ("qemu-system-aarch64: -serial pty: char device redirected to /dev/pts/7 (label serial0)\r\n"
                + "warn\u00e9\npart").getBytes(StandardCharsets.UTF_8);
        tee.write(text, 0, 20);
        assertEquals(List.of(), lines, "no line has ended yet");
        tee.write(text, 20, text.length - 20);
        assertEquals(List.of("qemu-system-aarch64: -serial pty: char device redirected to /dev/pts/7 (label serial0)",
                "warn\u00e9"), lines);
        tee.close();
        assertEquals("part", lines.get(2));
        assertEquals(new String(text, StandardCharsets.UTF_8), all.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailingListenerDoesNotStopTheCopy() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        QemuRunner.LineTee tee = new QemuRunner.LineTee(all, l -> {
            throw new IllegalStateException("listener bug");
        });
        tee.write("a\nb\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("a\nb\n", all.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingImageNamesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QemuRunner.profileFor(tmp.resolve("none.elf"), null, Fixtures.registry()));
        assertTrue(e.getMessage().endsWith("none.elf' does not exist"), e.getMessage());
    }
}
