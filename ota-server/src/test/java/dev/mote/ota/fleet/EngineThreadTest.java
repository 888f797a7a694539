package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.protocol.Cancel;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on its own thread, woken by device events, with devices answering from other
 * threads the way the MQTT link calls in: a rollout runs to the end with no test ticking it.
 */
class EngineThreadTest {
    @TempDir
    Path dir;

    @Test
    void devicesOnOtherThreadsCompleteARolloutDrivenByTheEngineThread() throws Exception {
        ExecutorService devicePool = Executors.newFixedThreadPool(8);
        Map<String, FakeDevice> devices = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean offerBeforeCommit = new AtomicBoolean();
        FleetService[] fleet = new FleetService[1];
        DeviceLink link = new DeviceLink() {
            @Override
            public void offer(String deviceId, Offer offer) {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                // The offer is committed before it is sent.
                if (!Long.valueOf(offer.job()).equals(fleet[0].device(deviceId).activeJob())) {
                    offerBeforeCommit.set(true);
                }
                devicePool.submit(() -> {
                    FakeDevice d = devices.get(deviceId);
                    synchronized (d) {
                        d.install(fleet[0], offer);
                        d.bootNew(fleet[0], offer);
                        inFlight.decrementAndGet();
                        d.report(fleet[0], offer.job(), JobStatus.CONFIRMED, 0, offer.version(), null);
                    }
                });
            }

            @Override
            public void cancel(String deviceId, Cancel cancel) {
                throw new AssertionError("no cancel expected: " + deviceId + " " + cancel);
            }
        };
        fleet[0] = new FleetService(dir, List.of(TestKeys.KEY.publicKey()), link, Clock.systemUTC(),
                new FleetConfig(16384, 8, 50, 4, false));
        try {
            fleet[0].start();
            ImageInfo v11 = fleet[0].upload(Fleets.image("1.1.0", 2));
            for (int i = 0; i < 60; i++) {
                FakeDevice d = new FakeDevice(String.format("dev-%03d", i), TestImage.ARM, "1.0.0", 1);
                devices.put(d.id, d);
                d.hello(fleet[0]);
            }
            RolloutInfo r = fleet[0].createRollout(new RolloutSpec("threads", v11.sha256(), null, null,
                    List.of("5", "50%", "100%"), 6, 600, 1, 0));
            RolloutInfo done = Await.poll(() -> fleet[0].rollout(r.id()), x -> x.state().equals("completed"),
                    Duration.ofSeconds(60));
            assertEquals("completed", done.state(), "not done in 60 s: " + done);
            assertEquals(60, fleet[0].rollout(r.id()).counts().get("confirmed"));
            assertTrue(most.get() <= 6, "at most 6 in flight, saw " + most.get());
            assertFalse(offerBeforeCommit.get(), "an offer was sent before its job was committed");
        } finally {
            fleet[0].close();
            devicePool.shutdownNow();
        }
    }
}
