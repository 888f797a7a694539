package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a capture that mote run --pcap wrote (QEMU's filter-dump: classic pcap, Ethernet) the
 * way tcpdump would, checking its header and every record, and counts what a test asks about.
 */
final class Pcap {
    record Summary(int frames, int echoRequests, int echoReplies, int dhcp, int tcp) {
    }

    private Pcap() {
    }

    static Summary read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(b.remaining() >= 24, "a pcap file header");
        assertEquals(0xa1b2c3d4, b.getInt(), "pcap magic (microsecond timestamps, little-endian)");
        assertEquals(2, b.getShort(), "major version");
        assertEquals(4, b.getShort(), "minor version");
        b.getInt();
        b.getInt();
        int snaplen = b.getInt();
        assertEquals(1, b.getInt(), "link type: Ethernet");
        int frames = 0, requests = 0, replies = 0, dhcp = 0, tcp = 0;
        while (b.hasRemaining()) {
            assertTrue(b.remaining() >= 16, "a whole record header");
            b.getInt();
            int usec = b.getInt();
            int incl = b.getInt(), orig = b.getInt();
            assertTrue(usec >= 0 && usec < 1_000_000 && incl <= orig && incl <= snaplen && incl >= 14
                    && incl <= b.remaining(), "record " + frames + ": " + incl + " of " + orig);
            byte[] f = new byte[incl];
            b.get(f);
            frames++;
            ByteBuffer e = ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
            if (incl < 34 || e.getShort(12) != 0x0800) {
                continue;
            }
            int ihl = (f[14] & 15) * 4, proto = f[23] & 255, l4 = 14 + ihl;
            if (proto == 1 && incl > l4) {
                requests += f[l4] == 8 ? 1 : 0;
                replies += f[l4] == 0 ? 1 : 0;
            } else if (proto == 17 && incl >= l4 + 4) {
                int sport = e.getShort(l4) & 0xffff, dport = e.getShort(l4 + 2) & 0xffff;
                dhcp += (sport == 67 || sport == 68) && (dport == 67 || dport == 68) ? 1 : 0;
            } else if (proto == 6) {
                tcp++;
            }
        }
        return new Summary(frames, requests, replies, dhcp, tcp);
    }

    /** If tcpdump is installed, it must read the file too and see as many packets. */
    static void checkWithTcpdump(Path file, int frames) throws Exception {
        Path tcpdump = List.of(Path.of("/usr/bin/tcpdump"), Path.of("/usr/sbin/tcpdump")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (tcpdump == null) {
            return;
        }
        Process p = new ProcessBuilder(tcpdump.toString(), "-n", "-r", file.toString()).redirectErrorStream(false)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tcpdump finishes");
        assertEquals(0, p.exitValue(), out);
        assertEquals(frames, out.lines().count(), out);
    }
}
