package dev.mote.sdk.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileParser;
import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of the board's optional devices reach QEMU: what the profile names, and what the run asks for. */
class DevicesTest {
    private final Profile virt = Fixtures.profile("qemu-virt-arm64");

    @Test
    void theQemuBoardsGetANicOnTheIsolatedNetworkAndAnEntropySource() {
        List<String> args = Devices.standard().qemuArgs(virt);
        assertEquals(List.of("-netdev", "user,id=net0,restrict=on", "-device", "virtio-net-device,netdev=net0",
                "-device", "virtio-rng-device"), args);
        assertEquals(Profile.Device.VIRTIO, Fixtures.profile("qemu-microvm-x86_64").net());
        assertEquals(Profile.Device.VIRTIO, Fixtures.profile("qemu-microvm-x86_64").rng());
    }

    @Test
    void noNicWhenTheRunSaysSoOrTheProfileHasNone() throws IOException {
        assertEquals(List.of("-device", "virtio-rng-device"), new Devices(null, true).qemuArgs(virt));
        assertEquals(List.of(), new Devices(null, false).qemuArgs(virt));
        Profile other = ProfileParser.parse(Fixtures.repo().resolve("sdk/src/test/resources/profiles/"
                + "other-board-arm64.profile"), "other-board-arm64");
        assertEquals(Profile.Device.NONE, other.net());
        assertEquals(List.of(), Devices.standard().qemuArgs(other));
    }

    @Test
    void guestForwardsRunThisSdksRelay() {
        String relay = Devices.relayCommand();
        assertTrue(relay.startsWith("'" + System.getProperty("java.home")), relay);
        assertTrue(relay.endsWith(" dev.mote.sdk.run.GuestRelay 127.0.0.1"), relay);
        List<String> args = Devices.standard().withNetwork(Network.user()
                .withGuestForward(Network.GuestForward.parse("80:8080"))).qemuArgs(virt);
        assertTrue(args.get(1).contains(",guestfwd=tcp:10.0.2.100:80-cmd:'"), args.get(1));
        assertTrue(args.get(1).endsWith(" 127.0.0.1 8080"), args.get(1));
    }

    @Test
    void theNativeRelayUnlessItCannotBeBuiltOrAnotherIsAskedFor() {
        Path socat = Path.of("/usr/bin/socat");
        Path bin = Path.of("/cache/relay-0123456789abcdef/mote-relay");
        assertEquals("'/cache/relay-0123456789abcdef/mote-relay' 127.0.0.1", Devices.relay(null, () -> bin, socat));
        assertEquals(Devices.nativeRelay(bin), Devices.relay("native", () -> bin, null));
        assertEquals(Devices.socatRelay(socat), Devices.relay(null, () -> null, socat));
        assertEquals(Devices.socatRelay(socat), Devices.relay("socat", () -> bin, socat));
        assertEquals(Devices.nativeRelay(bin), Devices.relay("socat", () -> bin, null));
        assertEquals(Devices.relayCommand(), Devices.relay("java", () -> bin, socat));
        assertEquals(Devices.relayCommand(), Devices.relay(null, () -> null, null));
    }

    @Test
    void socatRelaysWhenInstalledWithTheHostAndPortAsArguments() {
        String relay = Devices.socatRelay(Path.of("/usr/bin/socat"));
        assertTrue(relay.startsWith("'/bin/sh' -c 'exec \"$0\" "), relay);
        assertTrue(relay.contains("FD:0,nodelay,shut-close \"TCP:$1:$2,nodelay\" 2>/dev/null'"), relay);
        assertTrue(relay.endsWith(" '/usr/bin/socat' 127.0.0.1"), relay);
        // QEMU doubles the comma and appends the port: $0 socat, $1 127.0.0.1, $2 the port
        String arg = Network.user().withGuestForward(Network.GuestForward.parse("1883:18830"))
                .qemuArgs("virtio-net-device", relay).get(1);
        assertTrue(arg.contains("-cmd:'/bin/sh' -c 'exec \"$0\" "), arg);
        assertTrue(arg.contains("TCP:$1:$2,,nodelay"), arg);
        assertTrue(arg.endsWith("'/usr/bin/socat' 127.0.0.1 18830"), arg);
    }
}
