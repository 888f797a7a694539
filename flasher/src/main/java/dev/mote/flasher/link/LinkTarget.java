package dev.mote.flasher.link;

import dev.mote.flasher.protocol.Transfer;
import dev.mote.flasher.protocol.TransferImage;
import dev.mote.flasher.protocol.TransferListener;
import dev.mote.flasher.protocol.TransferOptions;
import dev.mote.flasher.protocol.TransferResult;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Profile;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A board reached over a byte link, whose bootloader speaks the recovery protocol
 * (docs/flasher-protocol.md): {@code tcp:HOST:PORT} (a serial server such as ser2net, or an
 * emulated board's serial socket) or {@code serial:/dev/ttyX[@baud]} (a USB CDC-ACM board or a
 * USB-serial adapter). The image is verified here first; the device names itself in the
 * handshake, and the transfer refuses a wrong profile or a downgrade before sending any data.
 */
public final class LinkTarget {
    static final int DEFAULT_BAUD = 115200;

    private final String spec;

    /** {@code spec} is the --target text; IllegalArgumentException names what is wrong with it. */
    public LinkTarget(String spec) {
        this.spec = spec;
        parse(spec);
    }

    /** True if {@code spec} names a link (tcp: or serial:) rather than a disk or file. */
    public static boolean isLink(String spec) {
        return spec.startsWith("tcp:") || spec.startsWith("serial:");
    }

    private record Endpoint(String host, int port, Path device, int baud) {
    }

    private static Endpoint parse(String spec) {
        if (spec.startsWith("tcp:")) {
            String rest = spec.substring(4);
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || !rest.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("--target " + spec + ": expected tcp:HOST:PORT");
            }
            int port = Integer.parseInt(rest.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--target " + spec + ": port must be 1..65535");
            }
            return new Endpoint(rest.substring(0, colon), port, null, 0);
        }
        String rest = spec.substring("serial:".length());
        int at = rest.lastIndexOf('@');
        int baud = DEFAULT_BAUD;
        if (at >= 0) {
            if (!rest.substring(at + 1).matches("\\d{3,8}")) {
                throw new IllegalArgumentException("--target " + spec + ": '" + rest.substring(at + 1)
                        + "' is not a baud rate (e.g. serial:/dev/ttyACM0@115200)");
            }
            baud = Integer.parseInt(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("--target " + spec + ": expected serial:/dev/ttyXXX[@baud]");
        }
        return new Endpoint(null, 0, Path.of(rest), baud);
    }

    /**
     * Verifies {@code imageFile} against {@code keys}, connects, and sends it to the device's
     * inactive slot; the device checks it again and marks it for a TEST boot.
     */
    public TransferResult flash(Path imageFile, List<VerifyKey> keys, TransferOptions options, TransferListener listener)
            throws IOException {
        return flash(imageFile, keys, null, options, listener);
    }

    /**
     * As {@link #flash(Path, List, TransferOptions, TransferListener)}, also checking the image
     * against {@code board} (the profile the image names, when the host knows it): arch, slot,
     * RAM, clear of the bootloader, as the device's bootloader will.
     */
    public TransferResult flash(Path imageFile, List<VerifyKey> keys, Profile board, TransferOptions options,
            TransferListener listener) throws IOException {
        try {
            return send(imageFile, keys, board, options, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while flashing " + spec, e);
        }
    }

    private TransferResult send(Path imageFile, List<VerifyKey> keys, Profile board, TransferOptions options,
            TransferListener listener) throws IOException, InterruptedException {
        Image image = Image.read(imageFile);
        Verifier verifier = new Verifier(keys);
        (board == null ? verifier : verifier.expectBoard(board)).verify(image);
        Endpoint e = parse(spec);
        if (e.device() == null) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(e.host(), e.port()), 10_000);
                s.setTcpNoDelay(true);
                return Transfer.run(s.getInputStream(), s.getOutputStream(), TransferImage.of(image), options, listener);
            }
        }
        rawMode(e.device(), e.baud());
        try (InputStream in = new FileInputStream(e.device().toFile());
                OutputStream out = new FileOutputStream(e.device().toFile())) {
            return Transfer.run(in, out, TransferImage.of(image), options, listener);
        }
    }

    /** A serial line as a byte pipe: raw, no echo, the baud rate (stty, as the JDK has no termios). */
    private static void rawMode(Path device, int baud) throws IOException {
        if (!Files.exists(device)) {
            throw new MoteException("serial port " + device + " does not exist", "see the ports with mote flash --list");
        }
        Process p = new ProcessBuilder("stty", "-F", device.toString(), "raw", "-echo", String.valueOf(baud))
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new MoteException("cannot set up serial port " + device + ": " + out,
                        "check the port exists and you may use it (the dialout group)");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting up " + device, ex);
        }
    }

    @Override
    public String toString() {
        return spec;
    }
}
