package dev.mote.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import dev.mote.ota.protocol.StateReport;
import dev.mote.sdk.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * A device as the fleet logic sees it: hello and state reports, chunk fetches through
 * {@link DeviceEvents#jobImage}. It keeps what it runs and what it holds of a download, like
 * the C agent keeps them in its flash.
 */
final class FakeDevice {
    final String id;
    String profile;
    String version;
    long counter;
    char slot = 'a';
    int maxChunk = 16384;
    long job;
    ByteArrayOutputStream held = new ByteArrayOutputStream();

    FakeDevice(String id, String profile, String version, long counter) {
        this.id = id;
        this.profile = profile;
        this.version = version;
        this.counter = counter;
    }

    void hello(DeviceEvents fleet) {
        fleet.hello(id, new Hello(profile, version, counter, slot, maxChunk, job, job > 0 ? held.size() : 0));
    }

    void report(DeviceEvents fleet, long job, JobStatus status, long off, String ver, String reason) {
        fleet.state(id, new StateReport(job, status, off, ver, reason));
    }

    /** Fetches bytes [held, held + len) of the offer's image; false if the server had none to give. */
    boolean fetch(DeviceEvents fleet, Offer o, long len) {
        if (job != o.job()) {
            job = o.job();
            held = new ByteArrayOutputStream();
        }
        byte[] image = fleet.jobImage(id, o.job());
        if (image == null) {
            return false;
        }
        int from = held.size();
        int n = (int) Math.min(len, o.size() - from);
        held.write(image, from, n);
        report(fleet, o.job(), JobStatus.DOWNLOADING, held.size(), null, null);
        return true;
    }

    /** Downloads the rest of the image and checks it is what the offer promised. */
    void download(DeviceEvents fleet, Offer o) {
        while (held.size() < o.size() || job != o.job()) {
            if (!fetch(fleet, o, (long) o.chunk() * o.window())) {
                throw new AssertionError(id + ": no image for job " + o.job());
            }
        }
        byte[] got = held.toByteArray();
        assertArrayEquals(HexFormat.of().parseHex(o.sha256()), TestImage.sha256(got), id + ": image hash");
    }

    /** Download, verify, install, reboot into it: up to the TEST boot. */
    void install(DeviceEvents fleet, Offer o) {
        download(fleet, o);
        report(fleet, o.job(), JobStatus.VERIFYING, 0, null, null);
        report(fleet, o.job(), JobStatus.INSTALLED, 0, null, null);
        report(fleet, o.job(), JobStatus.REBOOTING, 0, null, null);
    }

    /** The whole update: the new image boots, says hello and confirms. */
    void update(DeviceEvents fleet, Offer o) {
        install(fleet, o);
        bootNew(fleet, o);
        report(fleet, o.job(), JobStatus.CONFIRMED, 0, o.version(), null);
    }

    /** The new image runs (TEST boot): hello with its version from the other slot. */
    void bootNew(DeviceEvents fleet, Offer o) {
        version = o.version();
        counter = o.counter();
        slot = slot == 'a' ? 'b' : 'a';
        job = 0;
        held = new ByteArrayOutputStream();
        hello(fleet);
    }

    /** The new image never confirms: the bootloader goes back to the old one. */
    void rollBack(DeviceEvents fleet, Offer o) {
        install(fleet, o);
        job = 0;
        held = new ByteArrayOutputStream();
        hello(fleet);
        report(fleet, o.job(), JobStatus.ROLLED_BACK, 0, version, "new image did not confirm");
    }

    static Offer last(FakeDeviceLink link, String device) {
        var offers = link.offersTo(device);
        assertNotNull(offers.isEmpty() ? null : offers, device + " was offered nothing");
        return offers.get(offers.size() - 1);
    }
}
