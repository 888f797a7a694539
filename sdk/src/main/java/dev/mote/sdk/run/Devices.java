package dev.mote.sdk.run;

import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.profile.Profile;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The board's optional devices to attach when it boots, as its profile names them: the NIC
 * ({@code net = virtio}) on {@code network}, and the entropy source ({@code rng = virtio}).
 * Without a Devices in the run options a board gets neither, as a bare board would.
 *
 * @param network the NIC's network, or null for no NIC (the device sees MOTE_ENODEV)
 * @param rng     attach the entropy source
 */
public record Devices(Network network, boolean rng) {

    /** What `mote run` attaches: the NIC on a user-mode network without forwards, the RNG. */
    public static Devices standard() {
        return new Devices(Network.user(), true);
    }

    public Devices withNetwork(Network n) {
        return new Devices(n, rng);
    }

    /** The QEMU arguments for {@code p}: only the devices the profile has. */
    public List<String> qemuArgs(Profile p) {
        List<String> args = new ArrayList<>();
        if (network != null && p.net() == Profile.Device.VIRTIO) {
            args.addAll(network.qemuArgs("virtio-net-device", relay()));
        }
        if (rng && p.rng() == Profile.Device.VIRTIO) {
            args.addAll(List.of("-device", "virtio-rng-device"));
        }
        return args;
    }

    /**
     * The relay QEMU runs for each guestfwd connection: by default the SDK's native one
     * ({@link NativeRelay}, built with the host's clang on first use): it starts in a millisecond
     * (a device's first connection waits for it) and acknowledges what the device sends at once,
     * where socat's kernel delays the ACKs QEMU's Nagle waits for, which made request/answer
     * traffic such as an OTA download about three times slower (docs/networking.md, "The relay
     * and Nagle"). When it cannot be built: socat, else {@link #relayCommand()} (the JVM's).
     * MOTE_GUEST_RELAY=socat or =java picks one of those anyway.
     */
    static String relay() {
        Map<String, String> env = System.getenv();
        return relay(env.get("MOTE_GUEST_RELAY"),
                () -> NativeRelay.locate(Sdk.cacheDir(env), new Tools(env).find("clang")), onPath("socat"));
    }

    /**
     * The relay for the choice {@code relay} (MOTE_GUEST_RELAY, may be null), the native relay
     * (built on demand; null: it cannot be) and socat's path (null: none).
     */
    static String relay(String relay, Supplier<Path> nativeRelay, Path socat) {
        if ("java".equals(relay)) {
            return relayCommand();
        }
        if ("socat".equals(relay) && socat != null) {
            return socatRelay(socat);
        }
        Path bin = nativeRelay.get();
        return bin != null ? nativeRelay(bin) : socat != null ? socatRelay(socat) : relayCommand();
    }

    /** The native relay (shell words, as QEMU parses them; the port follows). */
    static String nativeRelay(Path bin) {
        return quote(bin.toString()) + " 127.0.0.1";
    }

    /**
     * socat carrying one connection (shell words, as QEMU parses them; the host and port follow):
     * stdin/stdout is the device's connection, nothing goes to stderr (also the connection). After
     * the device's end it waits 30 s for the host service's, so a device's half-close still gets
     * the whole answer; the host service's end closes the device's side at once (shut-close: QEMU
     * ends a guestfwd connection only when its relay closes it, and a device reading to the end of
     * an HTTP/1.0 answer would otherwise wait those 30 s). TCP_NODELAY on both ends: stdin/stdout
     * is a loopback TCP pair to libslirp, and without it a small write behind another waited
     * ~40 ms for the other end's delayed ACK (bench/shell's remote shell round trip).
     */
    static String socatRelay(Path socat) {
        return "'/bin/sh' -c 'exec \"$0\" -t 30 -b 65536 FD:0,nodelay,shut-close \"TCP:$1:$2,nodelay\" 2>/dev/null' "
                + quote(socat.toString()) + " 127.0.0.1";
    }

    private static Path onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    /**
     * The JVM's relay for each guestfwd connection (shell words, as QEMU parses them): this
     * JVM's java running {@link GuestRelay} from this SDK's classes.
     */
    static String relayCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp;
        try {
            cp = Path.of(GuestRelay.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            cp = System.getProperty("java.class.path").split(File.pathSeparator)[0];
        }
        return quote(java) + " -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + quote(cp) + " "
                + GuestRelay.class.getName() + " 127.0.0.1";
    }

    private static String quote(String word) {
        if (word.contains("'")) {
            throw new IllegalArgumentException("a path with a quote cannot go to QEMU's guestfwd: " + word);
        }
        return "'" + word + "'";
    }
}
