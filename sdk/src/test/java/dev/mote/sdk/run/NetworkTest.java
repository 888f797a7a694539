package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mote run's network: forwards as the user writes them, QEMU's arguments, free and taken ports. */
class NetworkTest {
    @Test
    void hostForwardsParse() {
        assertEquals(new Network.HostForward(Network.Protocol.TCP, 0, 7), Network.HostForward.parse("7"));
        assertEquals(new Network.HostForward(Network.Protocol.TCP, 8080, 80), Network.HostForward.parse("8080:80"));
        assertEquals(new Network.HostForward(Network.Protocol.UDP, 5353, 53),
                Network.HostForward.parse("udp:5353:53"));
        assertEquals(new Network.HostForward(Network.Protocol.TCP, 0, 22), Network.HostForward.parse("tcp:0:22"));
        for (String bad : List.of("", "x", "1:2:3", "70000", "tcp:", "udp:1:", ":7", "8080:0", "-1", "sctp:1:2")) {
            assertThrows(IllegalArgumentException.class, () -> Network.HostForward.parse(bad), bad);
        }
    }

    @Test
    void guestForwardsParse() {
        assertEquals(new Network.GuestForward(80, 8080), Network.GuestForward.parse("80:8080"));
        assertEquals(new Network.GuestForward(1883, 1883), Network.GuestForward.parse("1883"));
        for (String bad : List.of("", "a:b", "0:80", "80:0", "1:2:3", "80:99999")) {
            assertThrows(IllegalArgumentException.class, () -> Network.GuestForward.parse(bad), bad);
        }
    }

    @Test
    void qemuGetsAnIsolatedNetworkWithOnlyLoopbackForwards() {
        Network n = Network.user().withHostForward(Network.HostForward.parse("7007:7"))
                .withHostForward(Network.HostForward.parse("udp:5000:5555"))
                .withGuestForward(Network.GuestForward.parse("80:8080"))
                .withPcap(Path.of("/tmp/x.pcap")).withTftp(Path.of("/srv/tftp"));
        List<String> args = n.qemuArgs("virtio-net-device", "relay,cmd");
        assertEquals("-netdev", args.get(0));
        assertEquals("user,id=net0,restrict=on,tftp=/srv/tftp,hostfwd=tcp:127.0.0.1:7007-:7,"
                + "hostfwd=udp:127.0.0.1:5000-:5555,guestfwd=tcp:10.0.2.100:80-cmd:relay,,cmd 8080", args.get(1));
        assertEquals(List.of("-device", "virtio-net-device,netdev=net0", "-object",
                "filter-dump,id=pcap0,netdev=net0,file=/tmp/x.pcap"), args.subList(2, args.size()));
        assertEquals(List.of("-netdev", "user,id=net0,restrict=on", "-device", "virtio-net-device,netdev=net0"),
                Network.user().qemuArgs("virtio-net-device", "r"));
    }

    @Test
    void hostPortsMustBeChosenBeforeQemuStarts() {
        Network n = Network.user().withHostForward(Network.HostForward.parse("7"));
        assertThrows(IllegalStateException.class, () -> n.qemuArgs("virtio-net-device", "r"));
        assertThrows(IllegalArgumentException.class,
                () -> Network.user().withPcap(Path.of("/tmp/a,b.pcap")).qemuArgs("virtio-net-device", "r"));
    }

    @Test
    void freePortsAreFreeAndDifferForEachDevice() throws IOException {
        Network spec = Network.user().withHostForward(Network.HostForward.parse("7"))
                .withHostForward(Network.HostForward.parse("udp:53"));
        Network a = spec.withFreePorts(), b = spec.withFreePorts();
        int pa = a.hostForwards().get(0).hostPort(), pb = b.hostForwards().get(0).hostPort();
        assertTrue(pa > 0 && pb > 0);
        assertNotEquals(pa, pb);
        assertTrue(a.hostForwards().get(1).hostPort() > 0);
        assertEquals(7, a.hostForwards().get(0).devicePort());
        assertTrue(a.describe().contains("device tcp port 7 is at 127.0.0.1:" + pa), a.describe().toString());
    }

    @Test
    void aTakenHostPortIsRefusedNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            MoteException e = assertThrows(MoteException.class, () -> Network.user()
                    .withHostForward(Network.HostForward.parse(port + ":7")).withFreePorts());
            assertEquals("--hostfwd: 127.0.0.1:" + port + " (tcp) is already in use (another device or program has it)",
                    e.getMessage());
            assertTrue(e.hint().contains("--hostfwd 7"), e.hint());
            assertThrows(MoteException.class, () -> Network.user()
                    .withHostForward(Network.HostForward.parse("udp:" + udp.getLocalPort() + ":53")).withFreePorts());
        }
        assertThrows(IllegalArgumentException.class, () -> Network.user().withHostForward(
                Network.HostForward.parse("40999:7")).withHostForward(Network.HostForward.parse("40999:8"))
                .withFreePorts());
    }
}
