package dev.mote.sdk.run;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * One guestfwd connection (docs/networking.md): QEMU starts this for each TCP connection the
 * device opens to {@link Network#HOST_IP}, with the connection as its stdin, stdout and stderr,
 * and it carries the bytes to and from HOST:PORT on the host. The device's half-close reaches
 * the host service; when the service closes, the relay exits and QEMU closes the device's
 * connection. Nothing is ever written to stderr: that is the device's connection too.
 *
 * <p>libslirp hands us its end of a loopback TCP pair whose other end (QEMU's) keeps Nagle on.
 * With our kernel delaying its ACKs (up to 40 ms once replies flow both ways), every small
 * message the device sends while an earlier one is unacknowledged waits for that delayed ACK:
 * an OTA chunk request sat 40 ms behind the device's PUBACKs (docs/networking.md, "The relay
 * and Nagle"). So we acknowledge each read at once (TCP_QUICKACK, which Linux forgets, set
 * again after every read) and send without Nagle ourselves.
 */
public final class GuestRelay {
    private static final int BUFFER = 65536;

    private GuestRelay() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.exit(2);
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 10_000);
            s.setTcpNoDelay(true);
            Channel inherited = System.inheritedChannel();
            if (inherited instanceof SocketChannel device) {
                relay(device, s);
            } else {
                relay(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), s);
            }
        } catch (IOException | RuntimeException e) {
            System.exit(1);    // QEMU closes the device's connection
        }
        System.exit(0);
    }

    /**
     * stdin/stdout are the device's connection as a socket (QEMU's case): carry it to and from
     * the host service s until the service closes; the device's half-close reaches s.
     */
    static void relay(SocketChannel device, Socket s) throws IOException {
        device.configureBlocking(true);
        device.setOption(StandardSocketOptions.TCP_NODELAY, true);
        boolean quickAck = device.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
        OutputStream toHost = s.getOutputStream();
        Thread up = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            try {
                while (device.read(buf.clear()) >= 0) {
                    if (quickAck) {
                        device.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
                    }
                    toHost.write(buf.array(), 0, buf.position());
                }
            } catch (IOException e) {
                // either end closed: this direction is over
            }
            shutdownOutput(s);
        }, "to-host");
        up.setDaemon(true);
        up.start();
        copy(s.getInputStream(), Channels.newOutputStream(device));
        device.shutdownOutput();
    }

    /** stdin/stdout are pipes or a terminal (a test, or a hand-run relay). */
    private static void relay(InputStream in, OutputStream out, Socket s) throws IOException {
        OutputStream toHost = s.getOutputStream();
        Thread up = new Thread(() -> {
            copy(in, toHost);
            shutdownOutput(s);
        }, "to-host");
        up.setDaemon(true);
        up.start();
        copy(s.getInputStream(), out);
    }

    private static void shutdownOutput(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            // the service is gone already
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buf = new byte[BUFFER];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either end closed: this direction is over
        }
    }
}
