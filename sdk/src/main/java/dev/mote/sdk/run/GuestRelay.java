package dev.mote.sdk.run;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One guestfwd connection (docs/networking.md): QEMU starts this for each TCP connection the
 * device opens to {@link Network#HOST_IP}, with the connection as its stdin, stdout and stderr,
 * and it carries the bytes to and from HOST:PORT on the host. The device's half-close reaches
 * the host service; when the service closes, the relay exits and QEMU closes the device's
 * connection. Nothing is ever written to stderr: that is the device's connection too.
 */
public final class GuestRelay {
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
            InputStream fromHost = s.getInputStream();
            OutputStream toHost = s.getOutputStream();
            Thread up = new Thread(() -> {
                copy(new FileInputStream(FileDescriptor.in), toHost);
                try {
                    s.shutdownOutput();
                } catch (IOException e) {
                    // the service is gone already
                }
            }, "to-host");
            up.setDaemon(true);
            up.start();
            copy(fromHost, new FileOutputStream(FileDescriptor.out));
        } catch (IOException | RuntimeException e) {
            System.exit(1);    // QEMU closes the device's connection
        }
        System.exit(0);
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buf = new byte[65536];
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
