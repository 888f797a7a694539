package dev.mote.ota.mqtt;

import dev.mote.ota.fleet.DeviceEvents;
import dev.mote.ota.fleet.DeviceLink;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.StateReport;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.testing.Await;
import dev.mote.sdk.testing.TestImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The fleet side of the link, reduced to what the link and the simulator need: one job per device,
 * offered on hello while the device has not got past downloading it (as the real fleet must: a
 * device that reboots into the new image says hello before it confirms), and a log of everything
 * the devices said.
 */
public final class FakeFleet implements DeviceEvents {
    private record Job(Offer offer, byte[] image) {
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<String>> log = new ConcurrentHashMap<>();
    private final Map<String, JobStatus> last = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Integer> failRequests = new ConcurrentHashMap<>();
    private final Map<String, Integer> revokeAfter = new ConcurrentHashMap<>();
    private volatile DeviceLink link;

    public void link(DeviceLink l) {
        this.link = l;
    }

    /** Job {@code job} installs {@code image} on {@code device}; offered on its next hello. */
    public Offer assign(String device, long job, byte[] image, int chunk, int window) {
        Image parsed = Image.parse(image);
        Offer o = new Offer(job, HexFormat.of().formatHex(TestImage.sha256(image)), image.length,
                parsed.header().version().toString(), parsed.header().securityCounter(), chunk, window, 600);
        jobs.put(device, new Job(o, image));
        return o;
    }

    @Override
    public void hello(String deviceId, Hello hello) {
        record(deviceId, hello.toControl().toString());
        Job j = jobs.get(deviceId);
        JobStatus st = last.get(deviceId);
        if (j != null && link != null && (st == null || st == JobStatus.DOWNLOADING)) {
            link.offer(deviceId, j.offer());
        }
    }

    @Override
    public void state(String deviceId, StateReport report) {
        last.put(deviceId, report.status());
        record(deviceId, report.toControl().toString());
    }

    @Override
    public void offline(String deviceId) {
        record(deviceId, "offline");
    }

    @Override
    public byte[] jobImage(String deviceId, long job) {
        int n = requests.computeIfAbsent(deviceId, k -> new AtomicInteger()).incrementAndGet();
        if (n <= failRequests.getOrDefault(deviceId, 0)) {
            throw new IllegalStateException("the fake fleet fails request " + n + " of " + deviceId);
        }
        if (n > revokeAfter.getOrDefault(deviceId, Integer.MAX_VALUE)) {
            return null; // the job is no longer the device's: the link answers with a cancel
        }
        Job j = jobs.get(deviceId);
        return j != null && j.offer().job() == job ? j.image() : null;
    }

    /** The first {@code n} chunk requests of {@code device} fail (nothing is sent: the device must ask again). */
    public void failRequests(String device, int n) {
        failRequests.put(device, n);
    }

    /** After {@code n} chunk requests, {@code device}'s job is no longer its job. */
    public void revokeAfter(String device, int n) {
        revokeAfter.put(device, n);
    }

    private void record(String device, String what) {
        List<String> l = log.computeIfAbsent(device, k -> new ArrayList<>());
        synchronized (l) {
            l.add(what);
        }
    }

    /** What {@code device} said, in order ("hello ...", "state ...", "offline"). */
    public List<String> log(String device) {
        List<String> l = log.getOrDefault(device, List.of());
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    public JobStatus last(String device) {
        return last.get(device);
    }

    /** Waits until {@code device} said something matching {@code what}; false on timeout. */
    public boolean await(String device, Predicate<String> what, Duration timeout) throws Exception {
        return Await.until(() -> log(device).stream().anyMatch(what), timeout);
    }
}
