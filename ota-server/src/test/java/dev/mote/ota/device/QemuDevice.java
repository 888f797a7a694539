package dev.mote.ota.device;

import dev.mote.sdk.Sdk;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.Network;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real device under QEMU: the Mote bootloader on the board's flash file (its images, boot state
 * and identity record), the network with the broker's port forwarded to the host, and a power
 * supply that switches it on again whenever it stops (a panic, a reset the guest could not do
 * itself, or {@link #powerCut} killing its QEMU with SIGKILL), as a board with a hardware
 * watchdog would. The console of every boot is kept, one after the other.
 */
final class QemuDevice implements AutoCloseable {
    private static final Duration RUN_LIMIT = Duration.ofMinutes(15);

    final String id;
    final Profile profile;
    final Path flash;
    private final List<VerifyKey> keys;
    private final int brokerPort;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream messages;
    private volatile boolean on;
    private volatile int boots;
    private Thread supply;

    QemuDevice(String id, Profile profile, Path flash, List<VerifyKey> keys, int brokerPort) {
        this.id = id;
        this.profile = profile;
        this.flash = flash;
        this.keys = keys;
        this.brokerPort = brokerPort;
        this.messages = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                append(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                append(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
    }

    private void append(byte[] b, int off, int len) {
        synchronized (console) {
            console.write(b, off, len);
        }
    }

    /** Switches the device on; it stays on (restarted after every stop) until {@link #close}. */
    QemuDevice powerOn() {
        on = true;
        supply = new Thread(this::supply, "power-" + id);
        supply.setDaemon(true);
        supply.start();
        return this;
    }

    private void supply() {
        BootChain chain = new BootChain(Fixtures.sdk(), Fixtures.tools(), messages, Sdk.cacheDir(System.getenv()));
        Network net = Network.user().withGuestForward(new Network.GuestForward(brokerPort, brokerPort));
        RunOptions options = RunOptions.defaults().withTimeout(RUN_LIMIT).withDevices(Devices.standard().withNetwork(net));
        while (on) {
            boots++;
            messages.println("=== power on #" + boots);
            try {
                RunResult r = chain.run(flash, profile, keys, options, messages);
                messages.println("=== off: guest exit " + r.guestExitCode());
            } catch (IOException | RuntimeException e) {
                messages.println("=== off: " + e);
            }
            sleepQuietly(200);
        }
    }

    String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    /** How many times {@code text} is on the console. */
    int count(String text) {
        String c = console();
        int n = 0;
        for (int i = c.indexOf(text); i >= 0; i = c.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    int boots() {
        return boots;
    }

    /** Waits until the console shows {@code text} at least {@code times} times. */
    void await(String text, int times, Duration timeout) throws Exception {
        if (!Await.until(() -> count(text) >= times, timeout)) {
            throw new AssertionError(id + ": '" + text + "' not seen " + times + "x within " + timeout.toSeconds()
                    + " s; console:\n" + tail());
        }
    }

    void await(String text, Duration timeout) throws Exception {
        await(text, 1, timeout);
    }

    /** The last 6,000 characters of the console, for failure messages. */
    String tail() {
        String c = console();
        return c.length() > 6000 ? "..." + c.substring(c.length() - 6000) : c;
    }

    /** The device's QEMU, found by its flash file among this JVM's descendants. */
    private Optional<ProcessHandle> qemu() {
        String file = flash.toAbsolutePath().toString();
        return ProcessHandle.current().descendants()
                .filter(ph -> ph.info().commandLine().orElse("").contains(file))
                .filter(ph -> ph.info().command().orElse("").contains("qemu-system"))
                .findFirst();
    }

    /** SIGKILL the device's QEMU: a power cut. Its supply switches it on again. */
    void powerCut() throws Exception {
        ProcessHandle q = null;
        for (int i = 0; i < 100 && q == null; i++) {
            q = qemu().orElse(null);
            if (q == null) {
                sleepQuietly(50);
            }
        }
        if (q == null) {
            throw new AssertionError(id + ": no QEMU to cut the power of");
        }
        messages.println("=== power cut");
        q.destroyForcibly();
        q.onExit().get(10, TimeUnit.SECONDS);
    }

    /**
     * A power cut at a moment the console chooses: finds the QEMU first, then watches the console
     * (no sleeping) and kills the QEMU the moment {@code when} holds. false if it never held within
     * {@code timeout} (no cut then).
     */
    boolean powerCutWhen(Predicate<String> when, Duration timeout) throws Exception {
        ProcessHandle q = qemu().orElseThrow(() -> new AssertionError(id + ": no QEMU to cut the power of"));
        long end = System.nanoTime() + timeout.toNanos();
        while (!when.test(console())) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.onSpinWait();
        }
        q.destroyForcibly();
        messages.println("=== power cut");
        q.onExit().get(10, TimeUnit.SECONDS);
        return true;
    }

    /** Switches it off for good: kills its QEMU until the supply has stopped restarting it. */
    @Override
    public void close() {
        on = false;
        for (int i = 0; i < 100 && supply != null && supply.isAlive(); i++) {
            qemu().ifPresent(ProcessHandle::destroyForcibly);
            try {
                supply.join(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
