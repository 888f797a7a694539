package dev.mote.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.Network;
import dev.mote.sdk.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `mote run`'s network options, parsed without starting anything. */
class RunCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Dispatcher.Parsed parse(String... args) {
        Context ctx = new Context(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("PATH", System.getenv("PATH")),
                Fixtures.repo(), false);
        return Main.fromArgs(args, ctx);
    }

    private Devices devices(String... args) {
        return assertInstanceOf(RunCommand.Run.class, parse(args).invocation()).options().devices();
    }

    @Test
    void aBoardGetsItsNicAndEntropySourceByDefault() {
        assertEquals(Devices.standard(), devices("run", "x.img"));
    }

    @Test
    void forwardsAndACaptureAreParsed() {
        Devices d = devices("run", "x.img", "--hostfwd", "7007:7", "--hostfwd", "udp:53", "--guestfwd", "80:8080",
                "--guestfwd", "1883", "--pcap", "out/n.pcap", "--tftp", "files");
        Network n = d.network();
        assertEquals(List.of(new Network.HostForward(Network.Protocol.TCP, 7007, 7),
                new Network.HostForward(Network.Protocol.UDP, 0, 53)), n.hostForwards());
        assertEquals(List.of(new Network.GuestForward(80, 8080), new Network.GuestForward(1883, 1883)),
                n.guestForwards());
        assertEquals(Path.of("out/n.pcap"), n.pcap());
        assertEquals(Path.of("files"), n.tftpRoot());
        assertTrue(d.rng());
    }

    @Test
    void noNetMeansNoNic() {
        Devices d = devices("run", "x.img", "--no-net");
        assertNull(d.network());
        assertTrue(d.rng());
    }

    @Test
    void badNetworkOptionsAreUsageErrors() {
        for (List<String> args : List.of(List.of("--hostfwd", "seven"), List.of("--guestfwd", "80:"),
                List.of("--no-net", "--pcap", "x.pcap"), List.of("--hostfwd", "70000"))) {
            err.reset();
            String[] all = new String[args.size() + 2];
            all[0] = "run";
            all[1] = "x.img";
            for (int i = 0; i < args.size(); i++) {
                all[i + 2] = args.get(i);
            }
            assertEquals(2, parse(all).run(), args.toString());
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("mote: error: "), err.toString());
        }
    }
}
