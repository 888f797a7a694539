package dev.mote.sdk.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProfileParserTest {
    private static final Path VIRT = Path.of("device-profiles/qemu-virt-arm64.profile");

    private static List<String> virtLines() throws IOException {
        return Files.readAllLines(Fixtures.repo().resolve(VIRT));
    }

    /** The virt profile with {@code key}'s line replaced (or removed if replacement is null). */
    private static List<String> with(String key, String replacement) throws IOException {
        List<String> lines = new ArrayList<>(virtLines());
        int i = lineOf(lines, key) - 1;
        if (replacement == null) {
            lines.set(i, "");
        } else {
            lines.set(i, replacement);
        }
        return lines;
    }

    private static int lineOf(List<String> lines, String key) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(key.replace(".", "\\.") + "\\s*=.*")) {
                return i + 1;
            }
        }
        throw new AssertionError("no line for " + key);
    }

    private static ProfileException fail(List<String> lines) {
        return assertThrows(ProfileException.class, () -> ProfileParser.parse(VIRT.toString(), VIRT, lines));
    }

    @Test
    void everyProfileInTheRepositoryParses() throws IOException {
        try (Stream<Path> s = Files.list(Fixtures.repo().resolve("device-profiles"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".profile")).toList();
            assertTrue(files.size() >= 4, "expected the qemu and hardware profiles, got " + files);
            for (Path f : files) {
                Profile p = ProfileParser.parse(f, f.getFileName().toString());
                assertEquals(f.getFileName().toString(), p.name() + ".profile");
                assertEquals(4, p.partitions().size());
                assertEquals(p.hardware() == Profile.Hardware.EMULATED, p.runnable(), p.name());
            }
        }
    }

    @Test
    void readsEveryFieldOfTheVirtProfile() throws IOException {
        Profile p = ProfileParser.parse(VIRT.toString(), VIRT, virtLines());
        assertEquals("qemu-virt-arm64", p.name());
        assertEquals(Arch.ARM64, p.arch());
        assertEquals("cortex-a53", p.cpu());
        assertEquals(0x40000000L, p.ramBase());
        assertEquals(128L << 20, p.ramSize());
        assertTrue(p.loadAddress() >= p.ramBase() && p.loadAddress() < p.ramBase() + p.ramSize());
        assertEquals(Profile.BootProtocol.ELF, p.bootProtocol());
        assertEquals(0x09000000L, p.consoleBase());
        assertEquals(List.of(0x08000000L, 0x08010000L), p.intcBase());
        assertEquals(new Profile.Virtio(0x0a000000L, 0x200, 32, 48), p.virtio());
        assertEquals(Profile.ExitMethod.SEMIHOSTING, p.exit());
        assertEquals(new Partition("slot_b", 7232L << 10, 7L << 20), p.partition("slot_b"));
        assertEquals("qemu-system-aarch64", p.qemuBinary());
        assertTrue(p.qemuArgs().contains("virt,gic-version=2"));
    }

    @Test
    void hardwareProfilesNeedNoQemuAndHaveNoVirtio() throws IOException {
        Path rpi = Fixtures.repo().resolve("device-profiles/rpi4-arm64.profile");
        Profile p = ProfileParser.parse(rpi, "rpi4-arm64.profile");
        assertFalse(p.runnable());
        assertNull(p.qemuBinary());
        assertNull(p.virtio());
        assertEquals(Profile.BootProtocol.LINUX_IMAGE, p.bootProtocol());
        assertEquals(List.of(0xff841000L, 0xff842000L), p.intcBase());
    }

    @Test
    void aBadSizeNamesFileLineAndField() throws IOException {
        List<String> lines = with("ram.size", "ram.size = 12Q");
        ProfileException e = fail(lines);
        assertEquals(VIRT + ":" + lineOf(lines, "ram.size")
                + ": field 'ram.size': '12Q' is not a size (use bytes or K/M/G)", e.getMessage());
        assertEquals(lineOf(lines, "ram.size"), e.line());
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        ProfileException e = fail(with("arch", null));
        assertEquals(VIRT + ": missing required field 'arch'", e.getMessage());
    }

    @Test
    void anUnknownFieldIsAnError() throws IOException {
        List<String> lines = new ArrayList<>(virtLines());
        lines.add("ram.sise = 64M");
        ProfileException e = fail(lines);
        assertEquals(VIRT + ":" + lines.size() + ": unknown field 'ram.sise'", e.getMessage());
    }

    @Test
    void overlappingPartitionsAreNamed() throws IOException {
        List<String> lines = with("partition.slot_b", "partition.slot_b = 7M 7M");
        ProfileException e = fail(lines);
        assertTrue(e.getMessage().startsWith(VIRT + ":" + lineOf(lines, "partition.slot_b")
                + ": field 'partition.slot_b': overlaps partition.slot_a"), e.getMessage());
    }

    @Test
    void aPartitionOutsideFlashIsNamed() throws IOException {
        List<String> lines = with("partition.persist", "partition.persist = 15M 2M");
        ProfileException e = fail(lines);
        assertTrue(e.getMessage().contains(":" + lineOf(lines, "partition.persist")
                + ": field 'partition.persist': ends at 0x1100000, outside flash.size"), e.getMessage());
    }

    @Test
    void badKeywordsListTheChoices() throws IOException {
        assertTrue(fail(with("arch", "arch = riscv64")).getMessage()
                .endsWith("field 'arch': 'riscv64' is not an architecture (use arm64 or x86_64)"));
        assertTrue(fail(with("exit", "exit = reboot")).getMessage()
                .endsWith("field 'exit': 'reboot' is not one of semihosting, debug-exit, none"));
        assertTrue(fail(with("exit", "exit = debug-exit")).getMessage()
                .endsWith("field 'exit': 'debug-exit' is not available on arm64"));
        assertTrue(fail(with("boot.protocol", "boot.protocol = pvh")).getMessage()
                .endsWith("field 'boot.protocol': 'pvh' cannot boot arm64"));
    }

    @Test
    void otherMistakesNameTheField() throws IOException {
        assertTrue(fail(with("load.address", "load.address = 0x1000")).getMessage()
                .contains("field 'load.address': 0x1000 is outside RAM"));
        assertTrue(fail(with("bootloader.address", "bootloader.address = 0x40200000")).getMessage()
                .contains("field 'bootloader.address': 0x40200000 must be in RAM and below load.address"));
        assertTrue(fail(with("name", "name = other")).getMessage()
                .contains("field 'name': 'other' does not match the file name 'qemu-virt-arm64.profile'"));
        assertTrue(fail(with("qemu.binary", null)).getMessage()
                .contains("field 'qemu.binary': required when hardware = emulated"));
        List<String> dup = new ArrayList<>(virtLines());
        dup.add("cpu = cortex-a72");
        assertTrue(fail(dup).getMessage().contains("field 'cpu': set twice (first on line "
                + lineOf(virtLines(), "cpu") + ")"));
        List<String> noEquals = new ArrayList<>(Arrays.asList("name qemu-virt-arm64"));
        assertEquals(VIRT + ":1: expected 'key = value', got 'name qemu-virt-arm64'", fail(noEquals).getMessage());
    }

    @Test
    void theBoardsOptionalDevicesAreNamed() throws IOException {
        Profile p = ProfileParser.parse(VIRT.toString(), VIRT, virtLines());
        assertEquals(Profile.Device.VIRTIO, p.net());
        assertEquals(Profile.Device.VIRTIO, p.rng());
        Profile none = ProfileParser.parse(VIRT.toString(), VIRT, with("net", null));
        assertEquals(Profile.Device.NONE, none.net());
        List<String> lines = with("rng", "rng = e1000");
        assertTrue(fail(lines).getMessage().contains("field 'rng'"), fail(lines).getMessage());
        List<String> noWindows = new ArrayList<>(virtLines());
        noWindows.removeIf(l -> l.startsWith("virtio."));
        ProfileException e = fail(noWindows);
        assertTrue(e.getMessage().endsWith("field 'net': 'virtio' needs the board's virtio-mmio windows"
                + " (virtio.base, ...)"), e.getMessage());
    }
}
