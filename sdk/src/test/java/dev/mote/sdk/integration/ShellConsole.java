package dev.mote.sdk.integration;

import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device under QEMU whose console a test types into: the debug shell's commands go in as
 * lines on QEMU's stdin, and {@link #run} returns what one printed, up to the next prompt.
 * {@link #close} ends the input and kills the QEMU whose command line names {@code marker}.
 */
final class ShellConsole implements AutoCloseable {
    static final String PROMPT = "mote> ";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** How to boot: QemuRunner or BootChain with these options, the console into {@code out}. */
    interface Boot {
        RunResult run(RunOptions options, OutputStream out) throws IOException;
    }

    private final Keys keys = new Keys();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final CompletableFuture<RunResult> run;
    private final String marker;
    private int consumed;

    private ShellConsole(RunOptions options, Boot boot, String marker) {
        this.marker = marker;
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (console) {
                    console.write(b);
                    console.notifyAll();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (console) {
                    console.write(b, off, len);
                    console.notifyAll();
                }
            }
        };
        RunOptions o = options.withConsoleInput(keys);
        run = CompletableFuture.supplyAsync(() -> {
            try {
                return boot.run(o, sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Boots and waits for the shell's first prompt. */
    static ShellConsole start(RunOptions options, Boot boot, String marker) throws Exception {
        ShellConsole c = new ShellConsole(options, boot, marker);
        c.consumed = c.awaitText(PROMPT, 0, COMMAND_TIMEOUT) + PROMPT.length();
        return c;
    }

    /** Everything the console showed so far, with "\n" line ends. */
    String console() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
        }
    }

    /** Waits until the console shows {@code text} at or after {@code from}; its index. */
    int awaitText(String text, int from, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (console) {
            for (;;) {
                int i = console().indexOf(text, from);
                if (i >= 0) {
                    return i;
                }
                long left = end - System.nanoTime();
                if (left <= 0 || run.isDone()) {
                    throw new AssertionError("no '" + text + "' on the console within " + timeout.toSeconds()
                            + " s" + (run.isDone() ? " (QEMU ended)" : "") + ":\n" + console());
                }
                console.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
    }

    /** Types raw bytes (no line end added). */
    void type(byte[] bytes) {
        keys.add(bytes);
    }

    /**
     * Types {@code line} and Enter; returns what the command printed, without the echoed line,
     * up to the next prompt.
     */
    String run(String line) throws Exception {
        return runBytes((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** As {@link #run}, for a line given as bytes (ending in its own line end). */
    String runBytes(byte[] line) throws Exception {
        type(line);
        int at = awaitText(PROMPT, consumed, COMMAND_TIMEOUT);
        String out = console().substring(consumed, at);
        consumed = at + PROMPT.length();
        int nl = out.indexOf('\n');
        return nl < 0 ? "" : out.substring(nl + 1);
    }

    /** Types {@code line} for a command that does not come back (quit, reboot, a crash). */
    void send(String line) {
        type((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    int exitCode(Duration timeout) throws Exception {
        return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS).guestExitCode();
    }

    @Override
    public void close() {
        keys.end();
        ProcessHandle.current().descendants()
                .filter(ph -> ph.info().commandLine().orElse("").contains(marker))
                .forEach(ProcessHandle::destroyForcibly);
        try {
            run.handle((r, e) -> null).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // it was killed: how it ended does not matter any more
        }
    }

    /** The keyboard: bytes the test typed, handed to QEMU's stdin as they come. */
    private static final class Keys extends InputStream {
        private static final byte[] END = new byte[0];
        private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        private byte[] cur = new byte[0];
        private int pos;

        void add(byte[] b) {
            queue.add(b.clone());
        }

        void end() {
            queue.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == cur.length) {
                if (cur == END) {
                    return -1;
                }
                try {
                    cur = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                pos = 0;
                if (cur == END) {
                    return -1;
                }
            }
            int n = Math.min(len, cur.length - pos);
            System.arraycopy(cur, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
