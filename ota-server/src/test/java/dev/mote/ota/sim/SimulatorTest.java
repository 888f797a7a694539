package dev.mote.ota.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.mqtt.EmbeddedBroker;
import dev.mote.ota.mqtt.FakeFleet;
import dev.mote.ota.mqtt.MqttLink;
import dev.mote.ota.mqtt.Threads;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.TestImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Simulated devices updated through the real path: embedded broker, the server's MqttLink, and a
 * fake fleet that offers one job per device on hello. Images are real signed images; the devices
 * verify them with the SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorTest {
    static final SigningKey KEY = SigningKey.generate();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final byte[] IMAGE = TestImage.arm().version("1.1.0").counter(1).randomPayload(200_000, 1).sign(KEY).toBytes();

    private final Credentials creds = new Credentials(new byte[32], "server-password-for-tests");
    private final FakeFleet fleet = new FakeFleet();
    private Set<Thread> threadsBefore;
    private EmbeddedBroker broker;
    private MqttLink link;

    @BeforeAll
    void start() throws Exception {
        threadsBefore = Threads.live();
        broker = EmbeddedBroker.start("127.0.0.1", 0, creds);
        link = new MqttLink(broker.url(), creds.serverPassword(), fleet, MqttLink.Options.defaults()).start();
        assertTrue(broker.awaitServerListening(Duration.ofSeconds(10)), "the broker lets devices in");
        fleet.link(link);
    }

    @AfterAll
    void stop() throws Exception {
        link.close();
        broker.close();
        Threads.assertNoneLeft(threadsBefore);
    }

    private Simulator simulator() {
        return new Simulator(new Simulator.Options(broker.url(), 200, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofMillis(100), 2));
    }

    private DeviceSpec device(String id) {
        return DeviceSpec.of(id, creds.devicePassword(id), TestImage.ARM, "1.0.0", List.of(KEY.publicKey()));
    }

    /** Waits until the server heard {@code fragment} from {@code device} (the device may be ahead of it). */
    private void awaitSaid(String device, String fragment) throws Exception {
        assertTrue(fleet.await(device, l -> l.contains(fragment), WAIT), () -> device + " never said " + fragment
                + ": " + fleet.log(device));
    }

    /** Runs {@code specs}, each offered {@code image} as job {@code job + i}, until all finish. */
    private List<DeviceStats> run(byte[] image, long job, DeviceSpec... specs) throws Exception {
        try (Simulator sim = simulator()) {
            for (int i = 0; i < specs.length; i++) {
                fleet.assign(specs[i].id(), job + i, image, 4096, 4);
                sim.add(specs[i]);
            }
            sim.start();
            assertTrue(sim.awaitFinished(WAIT), () -> "not finished: " + sim.summary());
            return sim.devices().stream().map(SimulatedDevice::stats).toList();
        }
    }

    @Test
    void devicesDownloadVerifyRebootAndConfirm() throws Exception {
        List<DeviceStats> stats = run(IMAGE, 100, device("ok-1"), device("ok-2"), device("ok-3"));
        for (DeviceStats s : stats) {
            assertEquals("confirmed", s.status(), s.toString());
            assertEquals("1.1.0", s.version());
            assertEquals(IMAGE.length, s.imageBytes(), "every byte exactly once");
            assertEquals(0, s.restarts());
            assertTrue(s.wireIn() < IMAGE.length * 1.05, "wire bytes in " + s.wireIn());
            assertTrue(s.confirmMillis() > 0);
            awaitSaid(s.id(), "status=confirmed");
            List<String> said = fleet.log(s.id());
            assertEquals("hello profile=qemu-virt-arm64 version=1.0.0 counter=0 slot=a max_chunk=65536", said.get(0));
            assertTrue(said.contains("hello profile=qemu-virt-arm64 version=1.1.0 counter=1 slot=b max_chunk=65536"), said.toString());
            List<String> states = said.stream().filter(l -> l.startsWith("state")).map(l -> l.split(" ")[2]).distinct()
                    .toList();
            assertEquals(List.of("status=downloading", "status=verifying", "status=installed", "status=rebooting",
                    "status=confirmed"), states);
            assertTrue(said.get(said.size() - 1).endsWith("status=confirmed version=1.1.0"), said.toString());
        }
    }

    @Test
    void imagesTheBootloaderWouldRefuseFailWithItsReason() throws Exception {
        byte[] tampered = IMAGE.clone();
        tampered[0x20] ^= 1; // the version in the signed header
        SigningKey stranger = SigningKey.generate();
        Map<String, byte[]> images = Map.of(
                "bad-sig", tampered,
                "bad-key", TestImage.arm().version("1.1.0").counter(1).randomPayload(10_000, 1).sign(stranger).toBytes(),
                "bad-profile", TestImage.of("qemu-microvm-x86_64").version("1.1.0").counter(1).randomPayload(10_000, 1).sign(KEY).toBytes(),
                "bad-counter", TestImage.arm().version("1.1.0").counter(1).randomPayload(10_000, 1).sign(KEY).toBytes());
        long job = 200;
        for (var e : images.entrySet()) {
            DeviceSpec spec = e.getKey().equals("bad-counter") ? device(e.getKey()).withCounter(5) : device(e.getKey());
            DeviceStats s = run(e.getValue(), job++, spec).get(0);
            assertEquals("failed", s.status(), s.toString());
            assertEquals("1.0.0", s.version(), "still runs what it ran");
            String expected = switch (e.getKey()) {
                case "bad-sig" -> "bad signature";
                case "bad-key" -> "unknown key id " + stranger.publicKey().keyIdHex();
                case "bad-profile" -> "profile mismatch: image is for qemu-microvm-x86_64, device is qemu-virt-arm64";
                default -> "downgrade: security counter 1 < 5";
            };
            assertTrue(s.reason().startsWith(expected), s.reason());
            awaitSaid(e.getKey(), "status=failed");
            assertEquals(JobStatus.FAILED, fleet.last(e.getKey()));
            assertTrue(fleet.log(e.getKey()).get(fleet.log(e.getKey()).size() - 1).contains("reason=" + expected));
        }
    }

    @Test
    void aDroppedLinkResumesWithoutDownloadingAgain() throws Exception {
        DeviceStats s = run(IMAGE, 300, device("drop-1").withDropAt(IMAGE.length / 2)).get(0);
        assertEquals("confirmed", s.status(), s.toString());
        assertEquals(IMAGE.length, s.imageBytes(), "nothing fetched twice");
        assertEquals(3, s.connects(), "first, after the drop, after the reboot");
        assertTrue(fleet.log("drop-1").stream().anyMatch(l -> l.startsWith("hello ") && l.contains(" job=300 have=")
                && Long.parseLong(l.substring(l.indexOf("have=") + 5)) >= IMAGE.length / 2), fleet.log("drop-1").toString());
    }

    @Test
    void aCrashBeforeConfirmingIsARollback() throws Exception {
        DeviceStats s = run(IMAGE, 400, device("crash-1").withBehaviour(Behaviour.CRASH)).get(0);
        assertEquals("rolledback", s.status());
        assertEquals("1.0.0", s.version());
        awaitSaid("crash-1", "status=rolledback");
        List<String> said = fleet.log("crash-1");
        assertTrue(said.get(said.size() - 1).startsWith("state job=400 status=rolledback version=1.0.0 reason="), said.toString());
        assertTrue(said.contains("hello profile=qemu-virt-arm64 version=1.0.0 counter=0 slot=a max_chunk=65536"));
        assertEquals(IMAGE.length, s.imageBytes(), "not offered again after the rollback");
    }

    @Test
    void aHangSaysNothingMore() throws Exception {
        DeviceStats s = run(IMAGE, 500, device("hang-1").withBehaviour(Behaviour.HANG)).get(0);
        assertEquals("hung", s.status());
        awaitSaid("hang-1", "status=rebooting");
        assertEquals(JobStatus.REBOOTING, fleet.last("hang-1"));
    }

    @Test
    void unansweredRequestsAreAskedAgain() throws Exception {
        fleet.failRequests("lossy-1", 2);
        DeviceStats s = run(IMAGE, 600, device("lossy-1")).get(0);
        assertEquals("confirmed", s.status(), s.toString());
        assertTrue(s.restarts() >= 1, s.toString());
    }

    @Test
    void aCancelStopsTheDownload() throws Exception {
        fleet.revokeAfter("cancel-1", 1);
        DeviceStats s = run(IMAGE, 700, device("cancel-1")).get(0);
        assertEquals("cancelled", s.status(), s.toString());
        assertEquals("1.0.0", s.version());
        assertTrue(s.imageBytes() < IMAGE.length);
        awaitSaid("cancel-1", "status=cancelled");
        assertEquals(JobStatus.CANCELLED, fleet.last("cancel-1"));
    }
}
