package dev.mote.ota.fleet;

import static dev.mote.ota.fleet.FleetException.Reason.BAD_REQUEST;
import static dev.mote.ota.fleet.FleetException.Reason.CONFLICT;
import static dev.mote.ota.fleet.FleetException.Reason.NOT_FOUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mote.ota.fleet.FleetException.Reason;
import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.fleet.Records.JobInfo;
import dev.mote.ota.fleet.Records.RolloutInfo;
import dev.mote.ota.fleet.Records.RolloutSpec;
import dev.mote.ota.protocol.JobStatus;
import dev.mote.ota.protocol.Offer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pause, resume, cancel, deadlines, reports out of order, and specs that are refused. */
class RolloutControlTest extends FleetFixture {
    private ImageInfo v11;
    private List<FakeDevice> devices;

    @BeforeEach
    void uploadAndConnect() {
        v11 = fleet.upload(Fleets.image("1.1.0", 2));
        devices = Fleets.devices(fleet, 6);
    }

    private Offer offerTo(int device) {
        return FakeDevice.last(link, devices.get(device).id);
    }

    @Test
    void pauseStopsOffersResumeGoesOn() {
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 2));
        fleet.tick();
        assertEquals(2, link.offers().size());
        RolloutInfo p = fleet.pause(r.id(), "  looking at the logs ");
        assertEquals("paused", p.state());
        assertEquals("looking at the logs", p.reason());
        // Jobs in flight finish while paused; nothing new is offered.
        devices.get(0).update(fleet, offerTo(0));
        fleet.tick();
        assertEquals(2, link.offers().size());
        assertEquals(1, fleet.rollout(r.id()).counts().get("confirmed"));
        assertEquals(CONFLICT, assertThrows(FleetException.class, () -> fleet.pause(r.id(), null)).reason());

        RolloutInfo running = fleet.resume(r.id());
        assertEquals("running", running.state());
        assertNull(running.reason());
        assertEquals(CONFLICT, assertThrows(FleetException.class, () -> fleet.resume(r.id())).reason());
        fleet.tick();
        assertEquals(3, link.offers().size());
        assertEquals("paused by the operator", fleet.pause(r.id(), null).reason());
    }

    @Test
    void resumingAfterAFailurePauseAcceptsThoseFailuresOnly() {
        RolloutInfo r = fleet.createRollout(new RolloutSpec("f", v11.sha256(), null, null, List.of("100%"), 2, 600,
                0.5, 0));
        fleet.tick();
        devices.get(0).rollBack(fleet, offerTo(0));
        fleet.tick();
        assertEquals("paused", fleet.rollout(r.id()).state());
        assertEquals(2, link.offers().size());
        fleet.resume(r.id());
        fleet.tick();
        assertEquals("running", fleet.rollout(r.id()).state(), "the failure that paused it was accepted");
        assertEquals(3, link.offers().size());
        devices.get(1).rollBack(fleet, offerTo(1));
        fleet.tick();
        assertEquals("paused", fleet.rollout(r.id()).state(), "a new failure pauses it again");
        assertEquals("phase 1 of 1: 2 of 6 jobs failed or rolled back (1 accepted on resume), above the failure"
                + " threshold of 0% (0 allowed)", fleet.rollout(r.id()).reason());
    }

    @Test
    void resumingAfterAManualPauseAcceptsNoFailures() {
        RolloutInfo r = fleet.createRollout(new RolloutSpec("f", v11.sha256(), null, null, List.of("100%"), 2, 600,
                0.5, 0.2));
        fleet.tick();
        devices.get(0).rollBack(fleet, offerTo(0)); // 1 of 6: allowed
        fleet.pause(r.id(), null);
        fleet.resume(r.id());
        fleet.tick();
        devices.get(1).rollBack(fleet, offerTo(1)); // 2 of 6: above 20%
        fleet.tick();
        assertEquals("paused", fleet.rollout(r.id()).state());
    }

    @Test
    void cancelEndsQueuedJobsAndTellsDevicesInFlight() {
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 2));
        fleet.tick();
        devices.get(0).fetch(fleet, offerTo(0), 4096);
        RolloutInfo c = fleet.cancel(r.id());
        assertEquals("cancelled", c.state());
        assertEquals(6, c.counts().get("cancelled"));
        assertEquals(List.of(offerTo(0).job()), link.cancelsTo("dev-000"));
        assertEquals(List.of(offerTo(1).job()), link.cancelsTo("dev-001"));
        assertEquals(List.of(), link.cancelsTo("dev-002"), "never offered: nothing to tell");
        assertNull(fleet.jobImage("dev-000", offerTo(0).job()), "its chunk requests are answered with a cancel");
        assertNull(fleet.device("dev-000").activeJob());
        assertEquals(CONFLICT, assertThrows(FleetException.class, () -> fleet.cancel(r.id())).reason());
        assertEquals(CONFLICT, assertThrows(FleetException.class, () -> fleet.resume(r.id())).reason());
        // The device acknowledges; a late progress report is answered with another cancel.
        devices.get(0).report(fleet, offerTo(0).job(), JobStatus.CANCELLED, 0, null, null);
        devices.get(1).report(fleet, offerTo(1).job(), JobStatus.DOWNLOADING, 100, null, null);
        assertEquals(2, link.cancelsTo("dev-001").size());
        fleet.tick();
        assertEquals(2, link.offers().size());
        assertEquals("cancelled", fleet.rollout(r.id()).state());
    }

    @Test
    void aJobNotConfirmedInTimeFails() {
        RolloutInfo r = fleet.createRollout(new RolloutSpec("d", v11.sha256(), null, null, List.of("100%"), 2, 60,
                0.5, 0.9));
        fleet.tick();
        devices.get(0).fetch(fleet, offerTo(0), 4096);
        devices.get(1).install(fleet, offerTo(1));
        clock.advance(Duration.ofSeconds(59));
        fleet.tick();
        assertEquals(2, Fleets.inFlight(fleet.jobs(r.id())));
        clock.advance(Duration.ofSeconds(1));
        fleet.tick();
        JobInfo j0 = Fleets.jobOf(fleet, r.id(), "dev-000");
        assertEquals("failed", j0.state());
        assertEquals("deadline: not confirmed within 60s", j0.reason());
        assertEquals("failed", Fleets.jobOf(fleet, r.id(), "dev-001").state());
        // Mid-download: told to stop. Installed: nothing to stop, the bootloader decides.
        assertEquals(List.of(offerTo(0).job()), link.cancelsTo("dev-000"));
        assertEquals(List.of(), link.cancelsTo("dev-001"));
        // A confirm after the deadline changes nothing.
        Offer late = offerTo(1);
        devices.get(1).bootNew(fleet, late);
        devices.get(1).report(fleet, late.job(), JobStatus.CONFIRMED, 0, "1.1.0", null);
        assertEquals("failed", Fleets.jobOf(fleet, r.id(), "dev-001").state());
        assertEquals(4, link.offers().size(), "their slots went to the next devices");
    }

    @Test
    void staleAndForeignReportsAreIgnored() {
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 2));
        fleet.tick();
        Offer o = offerTo(0);
        FakeDevice d = devices.get(0);
        d.download(fleet, o);
        d.report(fleet, o.job(), JobStatus.VERIFYING, 0, null, null);
        long bytes = Fleets.jobOf(fleet, r.id(), d.id).bytes();
        assertEquals(o.size(), bytes);
        // A downloading report redelivered after verifying: out of order.
        d.report(fleet, o.job(), JobStatus.DOWNLOADING, 10, null, null);
        assertEquals("verifying", Fleets.jobOf(fleet, r.id(), d.id).state());
        assertEquals(bytes, Fleets.jobOf(fleet, r.id(), d.id).bytes());
        // Another device's job, reported by this one: ignored, no cancel to anyone.
        devices.get(2).report(fleet, offerTo(1).job(), JobStatus.FAILED, 0, null, "spoofed");
        assertEquals("offered", Fleets.jobOf(fleet, r.id(), "dev-001").state());
        assertEquals(List.of(), link.cancelsTo("dev-001"));
        // A job that does not exist: the device is told to drop it.
        d.report(fleet, 9999, JobStatus.DOWNLOADING, 10, null, null);
        assertEquals(List.of(9999L), link.cancelsTo(d.id));
        // Confirmed with the old version is no success.
        d.report(fleet, o.job(), JobStatus.CONFIRMED, 0, "1.0.0", null);
        JobInfo j = Fleets.jobOf(fleet, r.id(), d.id);
        assertEquals("failed", j.state());
        assertEquals("confirmed, but runs 1.0.0, not 1.1.0", j.reason());
        // Nothing moves a finished job.
        d.report(fleet, o.job(), JobStatus.CONFIRMED, 0, "1.1.0", null);
        assertEquals("failed", Fleets.jobOf(fleet, r.id(), d.id).state());
        assertEquals("1.0.0", fleet.device(d.id).version());
    }

    @Test
    void aHelloHoldingAnEndedJobGetsACancel() {
        RolloutInfo r = fleet.createRollout(Fleets.spec(v11.sha256(), List.of("100%"), 1));
        fleet.tick();
        FakeDevice d = devices.get(0);
        d.fetch(fleet, offerTo(0), 4096);
        fleet.cancel(r.id());
        d.hello(fleet); // it still holds 4096 bytes of the job
        assertEquals(List.of(offerTo(0).job(), offerTo(0).job()), link.cancelsTo(d.id));
    }

    @Test
    void badSpecsAreRefusedWithTheReason() {
        String img = v11.sha256();
        refused(NOT_FOUND, "rollout 42: no such rollout", () -> fleet.rollout(42));
        refused(NOT_FOUND, "rollout 42: no such rollout", () -> fleet.jobs(42));
        refused(NOT_FOUND, "rollout 42: no such rollout", () -> fleet.pause(42, null));
        refused(BAD_REQUEST, "rollout: no spec given", () -> fleet.createRollout(null));
        refused(BAD_REQUEST, "image: required (the SHA-256, or a prefix of it, of an uploaded image)",
                () -> fleet.createRollout(Fleets.spec(null, List.of("100%"), 1)));
        refused(BAD_REQUEST, "image 00000000: no such image (upload it first)",
                () -> fleet.createRollout(Fleets.spec("00000000", List.of("100%"), 1)));
        refused(BAD_REQUEST, "phases: phase 2 '5' does not grow beyond '10' before it: phases are cumulative"
                + " (e.g. \"10\", \"50%\", \"100%\")", () -> fleet.createRollout(Fleets.spec(img, List.of("10", "5", "100%"), 1)));
        refused(BAD_REQUEST, "phases: the last phase ('50%') covers 3 of the 6 devices to update; it must reach"
                + " all of them (make it '100%')", () -> fleet.createRollout(Fleets.spec(img, List.of("1", "50%"), 1)));
        refused(BAD_REQUEST, "phases: phase 1 'ten' is neither a device count (\"10\") nor a percentage (\"50%\")",
                () -> fleet.createRollout(Fleets.spec(img, List.of("ten"), 1)));
        refused(BAD_REQUEST, "maxInFlight: must be at least 1, got 0",
                () -> fleet.createRollout(Fleets.spec(img, List.of("100%"), 0)));
        refused(BAD_REQUEST, "deadlineSeconds: must be at least 1, got 0", () -> fleet.createRollout(
                new RolloutSpec("x", img, null, null, List.of("100%"), 1, 0, 0.9, 0.1)));
        refused(BAD_REQUEST, "successThreshold: a fraction above 0 and at most 1 (0.9 = 90%), got 1.5", () ->
                fleet.createRollout(new RolloutSpec("x", img, null, null, List.of("100%"), 1, 60, 1.5, 0.1)));
        refused(BAD_REQUEST, "failureThreshold: a fraction from 0 to below 1 (0.1 = 10%), got 1.0", () ->
                fleet.createRollout(new RolloutSpec("x", img, null, null, List.of("100%"), 1, 60, 0.9, 1)));
        refused(BAD_REQUEST, "no device matches group 'lab' and tag 'beta'", () -> fleet.createRollout(
                new RolloutSpec("x", img, "lab", "beta", List.of("100%"), 1, 60, 0.9, 0.1)));
        assertEquals(List.of(), fleet.rollouts());
    }

    @Test
    void groupsAndTagsPickTheTargets() {
        fleet.label("dev-001", "lab", List.of("beta"));
        fleet.label("dev-002", "lab", List.of());
        fleet.label("dev-003", null, List.of("beta"));
        RolloutInfo lab = fleet.createRollout(new RolloutSpec("x", v11.sha256(), "lab", null, null, 5, 60, 0.9, 0.1));
        assertEquals(List.of("100%"), lab.phases());
        assertEquals(List.of("dev-001", "dev-002"), fleet.jobs(lab.id()).stream().map(JobInfo::device).toList());
        RolloutInfo beta = fleet.createRollout(new RolloutSpec("x", v11.sha256(), null, "beta", List.of("100%"), 5,
                60, 0.9, 0.1));
        assertEquals(List.of("dev-001", "dev-003"), fleet.jobs(beta.id()).stream().map(JobInfo::device).toList());
        assertEquals(List.of(lab.id(), beta.id()), fleet.rollouts().stream().map(RolloutInfo::id).toList());
    }

    private static void refused(Reason reason, String message, Runnable call) {
        FleetException e = assertThrows(FleetException.class, call::run);
        assertEquals(message, e.getMessage());
        assertEquals(reason, e.reason());
    }
}
