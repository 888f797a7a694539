package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
    private final Profile virt = Fixtures.profile("qemu-virt-arm64");
    private final Profile microvm = Fixtures.profile("qemu-microvm-x86_64");

    @Test
    void bootsTheElfWithTheProfilesMachine() {
        List<String> cmd = QemuCommand.build(virt, Path.of("out/hello.elf"), RunOptions.defaults(), false);
        assertEquals(List.of("qemu-system-aarch64", "-nodefaults", "-display", "none", "-serial", "stdio",
                "-monitor", "none", "-no-reboot", "-m", "128M", "-cpu", "cortex-a53", "-accel", "tcg",
                "-kernel", "out/hello.elf", "-machine", "virt,gic-version=2", "-semihosting-config",
                "enable=on,target=native"), cmd);
    }

    @Test
    void optionsOverrideTheProfile() {
        RunOptions o = new RunOptions(null, 1235, 64L << 20, "cortex-a72", RunOptions.Accel.KVM, false);
        List<String> cmd = QemuCommand.build(virt, Path.of("h.elf"), o, true);
        String line = String.join(" ", cmd);
        assertTrue(line.contains("-m 64M -cpu cortex-a72 -accel kvm"), line);
        assertTrue(line.endsWith("-S -gdb tcp:127.0.0.1:1235"), line);
    }

    @Test
    void theSerialConsoleOnStdioATcpPortOrAPty() {
        assertEquals("stdio", QemuCommand.serial(RunOptions.defaults()));
        assertEquals("tcp:127.0.0.1:4555,server=on,wait=off",
                QemuCommand.serial(RunOptions.defaults().withSerialPort(4555)));
        RunOptions pty = RunOptions.defaults().withSerialPty();
        List<String> cmd = QemuCommand.build(virt, Path.of("h.elf"), pty, false);
        assertEquals("pty", cmd.get(cmd.indexOf("-serial") + 1));
        assertEquals("stdio", QemuCommand.serial(pty.withSerialPort(4555).withSerialPort(null)));
        assertEquals("pty", QemuCommand.serial(RunOptions.defaults().withSerialPort(4555).withSerialPty()));
        assertThrows(IllegalArgumentException.class, () -> new RunOptions(null, null, null, null,
                RunOptions.Accel.TCG, false, List.of(), null, 4555, true, null));
    }

    @Test
    void extraArgsComeAfterTheProfiles() {
        RunOptions o = RunOptions.defaults().withExtraArgs(List.of("-drive", "file=f.img,if=none,id=flash"))
                .withTimeout(Duration.ofSeconds(5));
        List<String> cmd = QemuCommand.build(microvm, Path.of("h.elf"), o, false);
        assertEquals(List.of("-drive", "file=f.img,if=none,id=flash"), cmd.subList(cmd.size() - 2, cmd.size()));
        assertTrue(cmd.indexOf("-machine") < cmd.indexOf("-drive"), String.join(" ", cmd));
    }

    @Test
    void kvmOnlyWhenAskedOrTheSameArch() {
        assertTrue(QemuCommand.useKvm(virt, RunOptions.defaults().withAccel(RunOptions.Accel.KVM)));
        assertFalse(QemuCommand.useKvm(microvm, RunOptions.defaults().withAccel(RunOptions.Accel.TCG)));
        boolean armHost = Arch.host() == Arch.ARM64;
        if (!armHost) {
            assertFalse(QemuCommand.useKvm(virt, RunOptions.defaults()));
        }
    }

    @Test
    void gdbAttachCommandNamesTheArchitectureForX86() {
        assertEquals("gdb-multiarch -q out/h.elf -ex 'target remote 127.0.0.1:1234'",
                QemuCommand.gdbAttach(virt, Path.of("out/h.elf"), 1234));
        assertEquals("gdb-multiarch -q h.elf -ex 'target remote 127.0.0.1:9' -ex 'set architecture i386:x86-64'",
                QemuCommand.gdbAttach(microvm, Path.of("h.elf"), 9));
    }

    @Test
    void ramSizesReachQemuExactly() {
        assertEquals("128M", QemuCommand.qemuSize(128L << 20));
        assertEquals("1536K", QemuCommand.qemuSize(1536L << 10));
        assertEquals("2M", QemuCommand.qemuSize(2L << 20));
    }

    @Test
    void tcgByDefaultAndTheHostCpuUnderKvm() {
        Profile x86 = Fixtures.profile("qemu-microvm-x86_64");
        assertEquals(RunOptions.Accel.TCG, RunOptions.defaults().accel());
        assertFalse(QemuCommand.useKvm(x86, RunOptions.defaults()));
        String kvm = String.join(" ", QemuCommand.build(x86, Path.of("a.elf"),
                RunOptions.defaults().withAccel(RunOptions.Accel.KVM), true));
        assertTrue(kvm.contains("-cpu host -accel kvm"), kvm);
        String tcg = String.join(" ", QemuCommand.build(x86, Path.of("a.elf"), RunOptions.defaults(), false));
        assertTrue(tcg.contains("-cpu max -accel tcg"), tcg);
    }

    @Test
    void theBoardsDevicesComeLastSoTheBootloaderFindsTheFlashFirst() {
        RunOptions o = RunOptions.defaults().withExtraArgs(List.of("-drive", "file=f.img,if=none,id=flash"))
                .withDevices(Devices.standard());
        List<String> cmd = QemuCommand.build(virt, Path.of("h.elf"), o, false);
        assertTrue(cmd.indexOf("-drive") < cmd.indexOf("-netdev"), String.join(" ", cmd));
        assertEquals(List.of("-device", "virtio-rng-device"), cmd.subList(cmd.size() - 2, cmd.size()));
        assertEquals(-1, QemuCommand.build(virt, Path.of("h.elf"), RunOptions.defaults(), false).indexOf("-netdev"),
                "no devices unless the run asks for them");
    }
}
