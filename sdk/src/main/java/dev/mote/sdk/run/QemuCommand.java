package dev.mote.sdk.run;

import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line for booting an image: no default devices or display, the console on
 * stdio, no monitor, power-off instead of reboot, then the profile's machine arguments and the
 * options' extra arguments.
 */
public final class QemuCommand {
    private QemuCommand() {
    }

    /**
     * stdio, a TCP server on loopback that the flasher (or nc) can connect to at any time, or a
     * new pseudo-terminal (QEMU names it on stderr).
     */
    static String serial(RunOptions o) {
        if (o.serialPty()) {
            return "pty";
        }
        return o.serialPort() == null ? "stdio" : "tcp:127.0.0.1:" + o.serialPort() + ",server=on,wait=off";
    }

    /** A RAM size as QEMU's -m takes it, exactly: whole MiB as "M", otherwise KiB as "K". */
    static String qemuSize(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + "M" : Math.max(1, bytes >> 10) + "K";
    }

    /** The full command; {@code kvm} selects -accel kvm instead of tcg. */
    public static List<String> build(Profile p, Path elf, RunOptions o, boolean kvm) {
        long mem = o.memBytes() != null ? o.memBytes() : p.ramSize();
        List<String> cmd = new ArrayList<>(List.of(p.qemuBinary(),
                "-nodefaults", "-display", "none", "-serial", serial(o), "-monitor", "none", "-no-reboot",
                "-m", qemuSize(mem),
                "-cpu", o.cpu() != null ? o.cpu() : kvm ? "host" : p.cpu(),
                "-accel", kvm ? "kvm" : "tcg",
                "-kernel", elf.toString()));
        cmd.addAll(p.qemuArgs());
        cmd.addAll(o.extraArgs());
        // after the flash: the bootloader finds the first device on the command line first
        if (o.devices() != null) {
            cmd.addAll(o.devices().qemuArgs(p));
        }
        if (o.gdbPort() != null) {
            cmd.addAll(List.of("-S", "-gdb", "tcp:127.0.0.1:" + o.gdbPort()));
        }
        return cmd;
    }

    /** Whether to use KVM for this profile under these options on this host. */
    public static boolean useKvm(Profile p, RunOptions o) {
        switch (o.accel()) {
            case KVM:
                return true;
            case TCG:
                return false;
            default:
                Path dev = Path.of("/dev/kvm");
                return p.arch() == Arch.host() && Files.isReadable(dev) && Files.isWritable(dev);
        }
    }

    /** The command that attaches gdb to a guest started with {@code -gdb}. */
    public static String gdbAttach(Profile p, Path elf, int port) {
        String cmd = "gdb-multiarch -q " + elf + " -ex 'target remote 127.0.0.1:" + port + "'";
        return p.arch() == Arch.X86_64 ? cmd + " -ex 'set architecture i386:x86-64'" : cmd;
    }
}
