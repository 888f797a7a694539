package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Tools;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Boots a firmware ELF under QEMU: the console streams live to an OutputStream, a timeout
 * kills the whole QEMU process tree, and QEMU's exit status is mapped back to the guest's exit
 * code (see {@link GuestExit}).
 */
public final class QemuRunner {
    private final Tools tools;
    private final PrintStream err;

    /** Notices (gdb attach command, QEMU warnings) go to {@code err}. */
    public QemuRunner(Tools tools, PrintStream err) {
        this.tools = tools;
        this.err = err;
    }

    /**
     * The profile to boot {@code elf} with: {@code requested} (a name or path) if given, else
     * the one recorded in the image's .mote_info; a mismatch between the two is an error.
     */
    public static Profile profileFor(Path elf, String requested, ProfileRegistry registry) throws IOException {
        if (!Files.isRegularFile(elf)) {
            throw new IllegalArgumentException("image '" + elf + "' does not exist");
        }
        ElfFile image = ElfFile.read(elf);
        MoteInfo info = MoteInfo.read(image);
        if (requested == null && (info == null || info.profile() == null)) {
            throw new IllegalArgumentException("image '" + elf
                    + "' does not say which profile it was built for (no .mote_info): pass -p PROFILE");
        }
        Profile profile = registry.resolve(requested != null ? requested : info.profile());
        if (info != null && info.profile() != null && !info.profile().equals(profile.name())) {
            throw new MoteException(elf + " was built for " + info.profile() + ", not " + profile.name(),
                    "drop -p to boot it on " + info.profile() + ", or rebuild with -p " + profile.name());
        }
        int wanted = profile.arch() == Arch.ARM64 ? ElfFile.EM_AARCH64 : ElfFile.EM_X86_64;
        if (image.machine() != wanted) {
            throw new MoteException(elf + " is not an " + profile.arch().keyword() + " image (e_machine "
                    + image.machine() + ")", "rebuild it with mote build -p " + profile.name());
        }
        return profile;
    }

    /** Boots {@code elf}; the guest's console goes to {@code console}. */
    public RunResult run(Path elf, Profile profile, RunOptions options, OutputStream console) throws IOException {
        return run(elf, profile, options, console, null);
    }

    /**
     * Boots {@code elf}, and stops it as soon as {@code watch} (null for none) sees a console line
     * that means the run cannot succeed, throwing what it returned.
     */
    public RunResult run(Path elf, Profile profile, RunOptions options, OutputStream console, ConsoleWatch watch)
            throws IOException {
        if (!profile.runnable()) {
            throw new MoteException("profile " + profile.name() + " is " + profile.hardware().keyword()
                    + ": there is no QEMU machine for it", "write the image to the board, or build for a "
                    + "qemu-* profile of the same arch to run it here (mote profiles)");
        }
        tools.require(profile.qemuBinary());
        Devices devices = options.devices();
        if (devices != null && devices.network() != null && profile.net() == Profile.Device.VIRTIO) {
            Network net = devices.network().withFreePorts();
            options = options.withDevices(devices.withNetwork(net));
            net.describe().forEach(line -> err.println("mote: " + line));
        }
        boolean kvm = QemuCommand.useKvm(profile, options);
        List<String> cmd = QemuCommand.build(profile, elf, options, kvm);
        if (options.gdbPort() != null) {
            err.println("mote: QEMU is halted, waiting for gdb on 127.0.0.1:" + options.gdbPort() + "; attach with:");
            Path symbols = options.symbols() != null ? options.symbols() : elf;
            err.println("  " + QemuCommand.gdbAttach(profile, symbols, options.gdbPort()));
            err.flush();
        }
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(options.inheritStdin() ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.PIPE);
        Process qemu = pb.start();
        // If this JVM ends first (a test that gave up on a board, ^C), QEMU must not outlive it.
        Thread reaper = new Thread(() -> killTree(qemu), "qemu-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            return await(qemu, cmd, elf, profile, options, console, watch, start);
        } finally {
            if (!qemu.isAlive()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(reaper);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway; nothing is left to kill
                }
            }
        }
    }

    private RunResult await(Process qemu, List<String> cmd, Path elf, Profile profile, RunOptions options,
            OutputStream console, ConsoleWatch watch, long start) throws IOException {
        if (options.consoleInput() != null) {
            pumpInput(options.consoleInput(), qemu.getOutputStream());
        } else if (!options.inheritStdin()) {
            qemu.getOutputStream().close();
        }
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        // with the console on a TCP port or a pty, stdout carries only QEMU's own messages
        boolean consoleElsewhere = options.serialPort() != null || options.serialPty();
        OutputStream outSink = options.qemuMessages() != null && consoleElsewhere
                ? new LineTee(console, options.qemuMessages()) : console;
        AtomicReference<MoteException> stopped = new AtomicReference<>();
        if (watch != null && !consoleElsewhere) {
            outSink = new LineTee(outSink, line -> {
                MoteException e = watch.check(line);
                if (e != null && stopped.compareAndSet(null, e)) {
                    killTree(qemu);
                }
            });
        }
        Thread out = pump(qemu.getInputStream(), outSink, "qemu-stdout");
        OutputStream errSink = options.qemuMessages() == null ? stderr
                : new LineTee(stderr, options.qemuMessages());
        Thread errPump = pump(qemu.getErrorStream(), errSink, "qemu-stderr");
        boolean finished = waitFor(qemu, options.timeout());
        if (!finished) {
            killTree(qemu);
        }
        join(out);
        join(errPump);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String errText = stderr.toString(StandardCharsets.UTF_8);
        if (stopped.get() != null) {
            throw stopped.get();
        }
        if (!finished) {
            throw new RunTimeoutException(options.timeout());
        }
        int status = qemu.exitValue();
        Integer guest = GuestExit.guestCode(profile.exit(), status, errText);
        if (guest == null) {
            err.print(errText);
            String why = status == 0 ? "the guest stopped without reporting an exit code (a reset or triple fault?)"
                    : "QEMU exited with status " + status;
            if (errText.contains("host forwarding rule")) {
                throw new MoteException("running " + elf.getFileName() + " failed: QEMU could not listen on a"
                        + " --hostfwd port (taken since it was checked?)", "run again, or pick another host port");
            }
            throw new MoteException("running " + elf.getFileName() + " failed: " + why,
                    "QEMU's messages are above; the command was: " + String.join(" ", cmd));
        }
        if (!errText.isEmpty()) {
            err.print(errText);
        }
        return new RunResult(guest, status, took, cmd);
    }

    private static boolean waitFor(Process p, Duration timeout) throws IOException {
        try {
            if (timeout == null) {
                p.waitFor();
                return true;
            }
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while QEMU was running", e);
        }
    }

    /** SIGTERM first, so QEMU can restore the terminal; SIGKILL whatever is left after 2 s. */
    private static void killTree(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Copies the console's input to QEMU's stdin as it arrives; closes stdin at its end. */
    private static void pumpInput(InputStream in, OutputStream stdin) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try (stdin) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    stdin.write(buf, 0, n);
                    stdin.flush();
                }
            } catch (IOException e) {
                // QEMU went away, or the input did: nothing more to copy
            }
        }, "qemu-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static Thread pump(InputStream in, OutputStream sink, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    sink.write(buf, 0, n);
                    sink.flush();
                }
            } catch (IOException e) {
                // QEMU closed its end (it exited or was killed): nothing more to copy.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Copies bytes to {@code sink} and hands each complete line (UTF-8, without its line end) to
     * {@code lines} as soon as it ends; a last unterminated line is handed over on close.
     */
    static final class LineTee extends OutputStream {
        private final OutputStream sink;
        private final Consumer<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineTee(OutputStream sink, Consumer<String> lines) {
            this.sink = sink;
            this.lines = lines;
        }

        @Override
        public void write(int b) throws IOException {
            sink.write(b);
            if (b == '\n') {
                emit();
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            try {
                lines.accept(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
            } catch (RuntimeException e) {
                // a listener's failure must not stop the copy that the exit code is read from
            }
        }

        @Override
        public void close() throws IOException {
            if (line.size() > 0) {
                emit();
            }
            sink.close();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
