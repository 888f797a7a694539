package dev.mote.sdk.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to boot an image.
 *
 * @param timeout      kill QEMU after this long; null for no limit
 * @param gdbPort      start halted with a gdb server on 127.0.0.1:port; null for none
 * @param memBytes     guest RAM; null for the profile's ram.size
 * @param cpu          CPU model; null for the profile's
 * @param accel        how to pick the accelerator
 * @param inheritStdin give QEMU this process's stdin (the console's input), else none
 * @param extraArgs    appended to the QEMU command after the profile's arguments (e.g. a
 *                     {@code -drive} and {@code -device virtio-blk-device} for the flash)
 * @param symbols      the ELF a debugger should load (the app's, when QEMU boots the
 *                     bootloader); null for the ELF QEMU boots
 * @param serialPort   put the board's serial console on a TCP server at 127.0.0.1:port (what
 *                     `mote flash --target tcp:127.0.0.1:port` talks to) instead of stdio; null
 *                     for stdio
 */
public record RunOptions(Duration timeout, Integer gdbPort, Long memBytes, String cpu, Accel accel,
        boolean inheritStdin, List<String> extraArgs, Path symbols, Integer serialPort) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_GDB_PORT = 1234;

    public RunOptions {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout: must be positive, got " + timeout.toSeconds() + " s");
        }
        if (gdbPort != null && (gdbPort < 1 || gdbPort > 65535)) {
            throw new IllegalArgumentException("gdb port: must be 1..65535, got " + gdbPort);
        }
        if (serialPort != null && (serialPort < 1 || serialPort > 65535)) {
            throw new IllegalArgumentException("serial port: must be 1..65535, got " + serialPort);
        }
        if (memBytes != null && memBytes < (1 << 20)) {
            throw new IllegalArgumentException("mem: must be at least 1M, got " + memBytes + " bytes");
        }
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
    }

    /** Without extra QEMU arguments. */
    public RunOptions(Duration timeout, Integer gdbPort, Long memBytes, String cpu, Accel accel,
            boolean inheritStdin) {
        this(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, List.of(), null, null);
    }

    /**
     * 60 s timeout, no gdb, the profile's memory and CPU, TCG, no stdin. TCG is the default
     * because it behaves the same everywhere; KVM is an opt-in speed-up (it is refused or
     * broken on some virtualized hosts).
     */
    public static RunOptions defaults() {
        return new RunOptions(DEFAULT_TIMEOUT, null, null, null, Accel.TCG, false);
    }

    public RunOptions withTimeout(Duration t) {
        return new RunOptions(t, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort);
    }

    public RunOptions withCpu(String c) {
        return new RunOptions(timeout, gdbPort, memBytes, c, accel, inheritStdin, extraArgs, symbols, serialPort);
    }

    public RunOptions withGdbPort(Integer port) {
        return new RunOptions(timeout, port, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort);
    }

    public RunOptions withAccel(Accel a) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, a, inheritStdin, extraArgs, symbols, serialPort);
    }

    /** These QEMU arguments instead of any given before; they go after the profile's. */
    public RunOptions withExtraArgs(List<String> args) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, args, symbols, serialPort);
    }

    public RunOptions withInheritStdin(boolean inherit) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inherit, extraArgs, symbols, serialPort);
    }

    /** The serial console on a TCP server at 127.0.0.1:port instead of stdio. */
    public RunOptions withSerialPort(Integer port) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, port);
    }

    /** The ELF whose symbols a debugger should load. */
    public RunOptions withSymbols(Path elf) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, elf, serialPort);
    }

    /** KVM only when usable and the guest has the host's architecture (AUTO), or forced. */
    public enum Accel {
        AUTO, TCG, KVM
    }
}
