package dev.mote.sdk.run;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

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
 * @param serialPty    put the board's serial console on a new pseudo-terminal instead of stdio
 *                     (standing in for a USB-serial adapter: `mote flash --target
 *                     serial:/dev/pts/N`); QEMU names it as it starts ("char device redirected
 *                     to /dev/pts/N (label serial0)", on stdout), which {@code qemuMessages} sees
 * @param qemuMessages given each line QEMU itself prints, as it arrives (without the line end):
 *                     its stderr, and its stdout when the console is not there (a TCP port or a
 *                     pty); null for none. stderr is also reported when QEMU exits, as before
 * @param devices      the board's NIC (on its network) and entropy source, attached after the
 *                     extra arguments when the profile names them; null for neither
 * @param consoleInput bytes typed on the board's console (stdio): copied to QEMU's stdin as they
 *                     come, which is closed at their end (a test driving the debug shell); null
 *                     for none (or this process's stdin, with inheritStdin)
 */
public record RunOptions(Duration timeout, Integer gdbPort, Long memBytes, String cpu, Accel accel,
        boolean inheritStdin, List<String> extraArgs, Path symbols, Integer serialPort, boolean serialPty,
        Consumer<String> qemuMessages, Devices devices, InputStream consoleInput) {
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
        if (serialPort != null && serialPty) {
            throw new IllegalArgumentException("serial: a TCP port or a pty, not both");
        }
        if (consoleInput != null && inheritStdin) {
            throw new IllegalArgumentException("console input: from a stream or from stdin, not both");
        }
        if (memBytes != null && memBytes < (1 << 20)) {
            throw new IllegalArgumentException("mem: must be at least 1M, got " + memBytes + " bytes");
        }
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
    }

    /** Without the board's optional devices. */
    /** Without console input. */
    public RunOptions(Duration timeout, Integer gdbPort, Long memBytes, String cpu, Accel accel,
            boolean inheritStdin, List<String> extraArgs, Path symbols, Integer serialPort, boolean serialPty,
            Consumer<String> qemuMessages, Devices devices) {
        this(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort, serialPty,
                qemuMessages, devices, null);
    }

    public RunOptions(Duration timeout, Integer gdbPort, Long memBytes, String cpu, Accel accel,
            boolean inheritStdin, List<String> extraArgs, Path symbols, Integer serialPort, boolean serialPty,
            Consumer<String> qemuMessages) {
        this(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort, serialPty,
                qemuMessages, null);
    }

    /** Without extra QEMU arguments. */
    public RunOptions(Duration timeout, Integer gdbPort, Long memBytes, String cpu, Accel accel,
            boolean inheritStdin) {
        this(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, List.of(), null, null, false, null);
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
        return new RunOptions(t, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    public RunOptions withCpu(String c) {
        return new RunOptions(timeout, gdbPort, memBytes, c, accel, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    public RunOptions withGdbPort(Integer port) {
        return new RunOptions(timeout, port, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    public RunOptions withAccel(Accel a) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, a, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    /** These QEMU arguments instead of any given before; they go after the profile's. */
    public RunOptions withExtraArgs(List<String> args) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, args, symbols, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    public RunOptions withInheritStdin(boolean inherit) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inherit, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    /** The serial console on a TCP server at 127.0.0.1:port instead of stdio. */
    public RunOptions withSerialPort(Integer port) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, port,
                port == null && serialPty, qemuMessages, devices, consoleInput);
    }

    /** The serial console on a new pseudo-terminal (QEMU -serial pty) instead of stdio or TCP. */
    public RunOptions withSerialPty() {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, null, true,
                qemuMessages, devices, consoleInput);
    }

    /** {@code listener} sees each line QEMU itself prints, as it arrives (e.g. the pty's name). */
    public RunOptions withQemuMessages(Consumer<String> listener) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, listener, devices, consoleInput);
    }

    /** The board's NIC and entropy source (null: neither). */
    public RunOptions withDevices(Devices d) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, d, consoleInput);
    }

    /** The ELF whose symbols a debugger should load. */
    public RunOptions withSymbols(Path elf) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, elf, serialPort,
                serialPty, qemuMessages, devices, consoleInput);
    }

    /** Bytes typed on the console, copied to QEMU's stdin as they come (see consoleInput). */
    public RunOptions withConsoleInput(InputStream in) {
        return new RunOptions(timeout, gdbPort, memBytes, cpu, accel, inheritStdin, extraArgs, symbols, serialPort,
                serialPty, qemuMessages, devices, in);
    }

    /** KVM only when usable and the guest has the host's architecture (AUTO), or forced. */
    public enum Accel {
        AUTO, TCG, KVM
    }
}
