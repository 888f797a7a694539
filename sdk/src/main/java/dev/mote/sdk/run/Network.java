package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The network a device gets under `mote run`: QEMU's user-mode network (slirp) with
 * {@code restrict=on}, so the device reaches nothing but its virtual gateway (10.0.2.2, which
 * answers DHCP and ping) and what is forwarded explicitly. Nothing ever listens beyond the host's
 * 127.0.0.1 (docs/networking.md).
 *
 * @param hostForwards  device ports exposed on the host's 127.0.0.1 (hostfwd)
 * @param guestForwards host services on 127.0.0.1 the device reaches at {@link #HOST_IP}
 *                      (guestfwd; each connection through a {@link GuestRelay})
 * @param pcap          write every frame the device sends or receives to this capture file, or null
 * @param tftpRoot      a directory QEMU serves read-only over TFTP at {@link #GATEWAY_IP} (the
 *                      only UDP the isolated network passes besides DHCP), or null
 */
public record Network(List<HostForward> hostForwards, List<GuestForward> guestForwards, Path pcap,
        Path tftpRoot) {
    public static final String DEVICE_IP = "10.0.2.15";
    public static final String GATEWAY_IP = "10.0.2.2";
    public static final String HOST_IP = "10.0.2.100";
    /** What the device's resolver (mote_dns_resolve, getaddrinfo) answers with HOST_IP. */
    public static final String HOST_NAME = "host.mote.internal";

    public Network {
        hostForwards = List.copyOf(hostForwards);
        guestForwards = List.copyOf(guestForwards);
    }

    /** No forwards, no capture. */
    public static Network user() {
        return new Network(List.of(), List.of(), null, null);
    }

    public Network withHostForward(HostForward f) {
        List<HostForward> l = new ArrayList<>(hostForwards);
        l.add(f);
        return new Network(l, guestForwards, pcap, tftpRoot);
    }

    public Network withGuestForward(GuestForward f) {
        List<GuestForward> l = new ArrayList<>(guestForwards);
        l.add(f);
        return new Network(hostForwards, l, pcap, tftpRoot);
    }

    public Network withPcap(Path file) {
        return new Network(hostForwards, guestForwards, file, tftpRoot);
    }

    public Network withTftp(Path dir) {
        return new Network(hostForwards, guestForwards, pcap, dir);
    }

    public enum Protocol {
        TCP, UDP;

        String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The device's {@code devicePort} at 127.0.0.1:{@code hostPort} on the host; hostPort 0 until
     * {@link #withFreePorts} picks a free one.
     */
    public record HostForward(Protocol protocol, int hostPort, int devicePort) {
        public HostForward {
            checkPort("host port", hostPort, true);
            checkPort("device port", devicePort, false);
        }

        /** {@code [tcp:|udp:][HOSTPORT:]DEVICEPORT}; no host port (or 0): a free one. */
        public static HostForward parse(String spec) {
            String s = spec;
            Protocol proto = Protocol.TCP;
            for (Protocol p : Protocol.values()) {
                if (s.startsWith(p.keyword() + ":")) {
                    proto = p;
                    s = s.substring(4);
                }
            }
            String[] parts = s.split(":", -1);
            if (parts.length > 2 || !s.matches("[0-9:]+")) {
                throw new IllegalArgumentException("--hostfwd: '" + spec
                        + "' is not [tcp:|udp:][HOSTPORT:]DEVICEPORT, e.g. 8080:80 or 7");
            }
            return new HostForward(proto, parts.length == 2 ? port(spec, parts[0]) : 0,
                    port(spec, parts[parts.length - 1]));
        }

        String qemu() {
            return "hostfwd=" + protocol.keyword() + ":127.0.0.1:" + hostPort + "-:" + devicePort;
        }
    }

    /** Connections the device makes to HOST_IP:{@code devicePort} reach 127.0.0.1:{@code hostPort}. */
    public record GuestForward(int devicePort, int hostPort) {
        public GuestForward {
            checkPort("device port", devicePort, false);
            checkPort("host port", hostPort, false);
        }

        /** {@code DEVICEPORT[:HOSTPORT]} (the same port on both sides when one is given). */
        public static GuestForward parse(String spec) {
            String[] parts = spec.split(":", -1);
            if (parts.length > 2 || !spec.matches("[0-9:]+")) {
                throw new IllegalArgumentException("--guestfwd: '" + spec
                        + "' is not DEVICEPORT[:HOSTPORT], e.g. 80:8080 (the device connects to "
                        + HOST_IP + ":80, the host's 127.0.0.1:8080 answers)");
            }
            return new GuestForward(port(spec, parts[0]), port(spec, parts[parts.length - 1]));
        }
    }

    private static int port(String spec, String digits) {
        if (digits.isEmpty() || digits.length() > 5) {
            throw new IllegalArgumentException("'" + spec + "': '" + digits + "' is not a port (1..65535)");
        }
        return Integer.parseInt(digits);
    }

    private static void checkPort(String what, int port, boolean zeroOk) {
        if (port < (zeroOk ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(what + ": must be " + (zeroOk ? "0" : "1") + "..65535, got " + port);
        }
    }

    /**
     * These forwards with every host port 0 replaced by one that is free now on 127.0.0.1 (so
     * devices started side by side never ask for the same one), after checking that the fixed
     * ones are free: a port in use is refused here, naming it, rather than by QEMU.
     */
    public Network withFreePorts() throws IOException {
        List<HostForward> resolved = new ArrayList<>();
        for (HostForward f : hostForwards) {
            int port = bindable(f.protocol(), f.hostPort());
            if (port < 0) {
                throw new MoteException("--hostfwd: 127.0.0.1:" + f.hostPort() + " (" + f.protocol().keyword()
                        + ") is already in use (another device or program has it)",
                        "pick another host port, or give only the device port (--hostfwd " + f.devicePort()
                                + ") and mote run picks a free one");
            }
            for (HostForward other : resolved) {
                if (other.protocol() == f.protocol() && other.hostPort() == port) {
                    throw new IllegalArgumentException("--hostfwd: host port " + port + " given twice");
                }
            }
            resolved.add(new HostForward(f.protocol(), port, f.devicePort()));
        }
        return new Network(resolved, guestForwards, pcap, tftpRoot);
    }

    /** The port (a free one for 0) if it can be bound on 127.0.0.1 now, else -1. */
    private static int bindable(Protocol proto, int port) throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            if (proto == Protocol.UDP) {
                try (DatagramSocket s = new DatagramSocket(at)) {
                    return s.getLocalPort();
                }
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true); // a port in TIME_WAIT is free for QEMU, which sets it too
                s.bind(at);
                return s.getLocalPort();
            }
        } catch (BindException e) {
            return -1;
        }
    }

    /**
     * The -netdev, -device and capture arguments for a NIC of QEMU device type {@code nic},
     * with {@code relay} the command line (shell words) that carries one guestfwd connection to
     * a host port given after it.
     */
    List<String> qemuArgs(String nic, String relay) {
        StringBuilder netdev = new StringBuilder("user,id=net0,restrict=on");
        if (tftpRoot != null) {
            netdev.append(",tftp=").append(noComma("--tftp", tftpRoot.toAbsolutePath().toString()));
        }
        for (HostForward f : hostForwards) {
            if (f.hostPort() == 0) {
                throw new IllegalStateException("host port 0: call withFreePorts() first");
            }
            netdev.append(',').append(f.qemu());
        }
        for (GuestForward f : guestForwards) {
            // QEMU splits options at commas: a comma inside the command is written twice
            String cmd = (relay + " " + f.hostPort()).replace(",", ",,");
            netdev.append(",guestfwd=tcp:").append(HOST_IP).append(':').append(f.devicePort()).append("-cmd:")
                    .append(cmd);
        }
        List<String> args = new ArrayList<>(List.of("-netdev", netdev.toString(), "-device", nic + ",netdev=net0"));
        if (pcap != null) {
            String file = noComma("--pcap", pcap.toAbsolutePath().toString());
            args.addAll(List.of("-object", "filter-dump,id=pcap0,netdev=net0,file=" + file));
        }
        return args;
    }

    private static String noComma(String option, String path) {
        if (path.contains(",")) {
            throw new IllegalArgumentException(option + ": QEMU cannot take a path with a comma: " + path);
        }
        return path;
    }

    /** One line per forward, for the user: where to find what. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (HostForward f : hostForwards) {
            lines.add("device " + f.protocol().keyword() + " port " + f.devicePort() + " is at 127.0.0.1:"
                    + f.hostPort());
        }
        for (GuestForward f : guestForwards) {
            lines.add(HOST_IP + ":" + f.devicePort() + " (" + HOST_NAME + ") on the device is the host's 127.0.0.1:"
                    + f.hostPort());
        }
        if (pcap != null) {
            lines.add("capturing the device's frames to " + pcap);
        }
        if (tftpRoot != null) {
            lines.add("TFTP at " + GATEWAY_IP + " serves " + tftpRoot + " (read-only)");
        }
        return lines;
    }
}
