package dev.mote.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Real devices update themselves: examples/telemetry under QEMU on both boards (two ARM64, one
 * x86_64), `mote ota serve` with its embedded broker, and the OTA agent in the devices' kernels
 * (docs/ota-protocol.md). The devices stay on across the cases, which run in order and each
 * starts from where the last left the fleet: a two-phase rollout; an image signed by a key the
 * devices do not trust; a cancel mid-download; power cuts mid-download; the server killed
 * mid-rollout; a new version that crashes before it confirms; and what the broker refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class DeviceUpdateTest {
    private static final Duration ROLLOUT = Duration.ofSeconds(240);
    /** Large enough that a download lasts seconds: cancels and power cuts land inside it. */
    private static final String BIG = "TELEMETRY_PAD=5000000";

    private DeviceLab lab;
    private QemuDevice arm1;
    private QemuDevice arm2;
    private QemuDevice x86;

    @BeforeAll
    @Timeout(600)
    void fleetOnline() throws Exception {
        lab = new DeviceLab(Files.createTempDirectory("mote-device-e2e"));
        lab.startServer();
        arm1 = lab.device("arm-1", DeviceLab.ARM, lab.telemetry(DeviceLab.ARM, "1.0.0", 0, lab.fleet), "arm",
                List.of("one"), 16384).powerOn();
        arm2 = lab.device("arm-2", DeviceLab.ARM, lab.telemetry(DeviceLab.ARM, "1.0.0", 0, lab.fleet), "arm",
                List.of("two"), 16384).powerOn();
        x86 = lab.device("x86-1", DeviceLab.X86, lab.telemetry(DeviceLab.X86, "1.0.0", 0, lab.fleet), "x86",
                List.of(), 16384).powerOn();
        Await.await(() -> lab.api.get("api/devices?online=true").size() == 3, Duration.ofSeconds(180),
                "three devices online" + lab.report());
    }

    @AfterAll
    void fleetOff() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void aTwoPhaseRolloutUpdatesEveryDeviceCountingEachOnlyOnceItConfirmed() throws Exception {
        long arm = lab.rollout(lab.upload(lab.telemetry(DeviceLab.ARM, "2.0.0", 1, lab.fleet)), "arm", null,
                List.of("1", "100%"), 0.0);
        long x86Rollout = lab.rollout(lab.upload(lab.telemetry(DeviceLab.X86, "2.0.0", 1, lab.fleet)), "x86", null,
                List.of("100%"), 0.0);
        Await.await(() -> {
            JsonNode a = lab.rollout(arm);
            JsonNode x = lab.rollout(x86Rollout);
            // counted only after the new image confirmed itself, after its reboot: never ahead of the consoles
            int confirmedOnConsoles = 0;
            for (QemuDevice d : List.of(arm1, arm2, x86)) {
                confirmedOnConsoles += d.count("telemetry 2.0.0 on") > 0
                        && d.count("first reading acknowledged: confirmed this version") > 0 ? 1 : 0;
            }
            int counted = DeviceLab.count(a, "confirmed") + DeviceLab.count(x, "confirmed");
            assertTrue(counted <= confirmedOnConsoles, "counted " + counted + " confirmed, the consoles show "
                    + confirmedOnConsoles + lab.report());
            return a.get("state").asText().equals("completed") && x.get("state").asText().equals("completed");
        }, ROLLOUT, "both rollouts to complete" + lab.report());
        assertEquals(2, DeviceLab.count(lab.rollout(arm), "confirmed"));
        assertEquals(1, DeviceLab.count(lab.rollout(x86Rollout), "confirmed"));
        // the second phase began only after the canary confirmed
        JsonNode canary = firstOffered(arm);
        QemuDevice other = canary.get("device").asText().equals("arm-1") ? arm2 : arm1;
        long canaryConfirmed = historyAt(canary.get("device").asText(), "confirmed", canary.get("id").asLong());
        JsonNode second = lab.job(arm, other.id);
        assertTrue(second.get("offeredAt").asLong() >= canaryConfirmed, "phase 2 started before the canary confirmed");
        for (JsonNode d : lab.api.get("api/devices")) {
            assertEquals("2.0.0", d.get("version").asText(), d.toString());
        }
        for (QemuDevice d : List.of(arm1, arm2, x86)) {
            assertTrue(d.console().contains("running 2.0.0 from slot B (TEST boot)"), d.id + d.tail());
        }
    }

    @Test
    @Order(2)
    void anImageSignedByAKeyTheDeviceDoesNotTrustIsRefusedBeforeAnyReboot() throws Exception {
        int boots = arm1.boots();
        int restarts = arm1.count("[mote] rebooting");
        long id = lab.rollout(lab.upload(lab.telemetry(DeviceLab.ARM, "3.0.0", 1, lab.rogue)), null, "one",
                List.of("100%"), 0.99);
        JsonNode r = lab.awaitRollout(id, x -> !x.get("state").asText().equals("running"), ROLLOUT);
        JsonNode job = lab.job(id, "arm-1");
        assertEquals("failed", job.get("state").asText(), job + lab.report());
        assertTrue(job.get("reason").asText().startsWith("signature: unknown key id"), job.toString());
        assertEquals(boots, arm1.boots(), "no power cycle");
        assertEquals(restarts, arm1.count("[mote] rebooting"), "no reboot");
        assertEquals(Slot.NONE, bootState(arm1).pending(), "nothing pending");
        assertEquals("2.0.0", lab.api.get("api/devices/arm-1").get("version").asText(), r.toString());
    }

    @Test
    @Order(3)
    void aCancelMidDownloadLeavesTheOldImageAndNothingPending() throws Exception {
        int restarts = arm2.count("[mote] rebooting");
        int downloads = arm2.count("downloading into slot");
        int finished = arm2.count("; checking them");
        long id = lab.rollout(lab.upload(lab.telemetry(DeviceLab.ARM, "3.1.0", 1, lab.fleet, BIG)), null, "two",
                List.of("100%"), 0.99);
        arm2.await("downloading into slot", downloads + 1, ROLLOUT);
        lab.api.post("api/rollouts/" + id + "/cancel", null);
        arm2.await("status=cancelled", Duration.ofSeconds(60));
        Await.await(() -> lab.job(id, "arm-2").get("state").asText().equals("cancelled"), Duration.ofSeconds(30),
                "the job cancelled" + lab.report());
        assertEquals(finished, arm2.count("; checking them"), "cut short, not finished" + arm2.tail());
        assertEquals(restarts, arm2.count("[mote] rebooting"), "no reboot");
        assertEquals(Slot.NONE, bootState(arm2).pending(), "nothing pending");
        assertEquals("2.0.0", lab.api.get("api/devices/arm-2").get("version").asText());
    }

    @Test
    @Order(4)
    void powerCutsAtRandomPointsOfTheDownloadResumeAndCostAtMostATenthMore() throws Exception {
        Path image = lab.telemetry(DeviceLab.ARM, "3.2.0", 1, lab.fleet, BIG);
        long size = Files.size(image);
        String sha = lab.upload(image);
        int downloads = arm1.count("downloading into slot");
        int connects = arm1.count("mqtt: connected");
        long before = lab.bytesOut();
        long id = lab.rollout(sha, null, "one", List.of("100%"), 0.99);
        Random random = new Random();
        arm1.await("downloading into slot", downloads + 1, ROLLOUT);
        for (int cut = 0; cut < 2; cut++) {
            Thread.sleep(200 + random.nextInt(600));
            arm1.powerCut();
            arm1.await("mqtt: connected", connects + cut + 1, Duration.ofSeconds(120));
        }
        JsonNode r = lab.awaitRollout(id, x -> !x.get("state").asText().equals("running"), ROLLOUT);
        assertEquals("completed", r.get("state").asText(), r + lab.report());
        assertEquals("confirmed", lab.job(id, "arm-1").get("state").asText());
        long sent = lab.bytesOut() - before;
        assertTrue(sent <= size * 1.1, "the server sent " + sent + " bytes for a " + size + "-byte image across"
                + " 2 power cuts" + arm1.tail());
    }

    @Test
    @Order(5)
    void theServerKilledMidRolloutComesBackAndTheDevicesCarryOn() throws Exception {
        int downloads = arm2.count("downloading into slot");
        long id = lab.rollout(lab.upload(lab.telemetry(DeviceLab.ARM, "3.3.0", 1, lab.fleet, BIG)), null, "two",
                List.of("100%"), 0.99);
        arm2.await("downloading into slot", downloads + 1, ROLLOUT);
        lab.killServer();
        Thread.sleep(2000);
        lab.startServer();
        JsonNode r = lab.awaitRollout(id, x -> !x.get("state").asText().equals("running"), ROLLOUT);
        assertEquals("completed", r.get("state").asText(), r + lab.report());
        assertEquals("3.3.0", lab.api.get("api/devices/arm-2").get("version").asText());
        assertTrue(arm2.console().contains("running 3.3.0 from slot"), arm2.tail());
    }

    @Test
    @Order(6)
    void aNewVersionThatCrashesBeforeConfirmingIsRevertedAndPausesTheRollout() throws Exception {
        long id = lab.rollout(lab.upload(lab.telemetry(DeviceLab.ARM, "3.4.0", 1, lab.fleet, "TELEMETRY_CRASH=1")),
                "arm", null, List.of("1", "100%"), 0.0);
        JsonNode r = lab.awaitRollout(id, x -> x.get("state").asText().equals("paused"), ROLLOUT);
        assertEquals("paused", r.get("state").asText(), r + lab.report());
        JsonNode canary = firstOffered(id);
        String canaryId = canary.get("device").asText();
        QemuDevice c = canaryId.equals("arm-1") ? arm1 : arm2;
        QemuDevice other = c == arm1 ? arm2 : arm1;
        assertEquals("rolledback", canary.get("state").asText(), canary.toString());
        assertTrue(canary.get("reason").asText().contains("did not confirm"), canary.toString());
        assertTrue(c.console().contains("TELEMETRY_CRASH: this build crashes before it confirms"), c.tail());
        String was = c == arm1 ? "3.2.0" : "3.3.0";
        assertEquals(was, lab.api.get("api/devices/" + canaryId).get("version").asText(), "reverted");
        Thread.sleep(2000);
        JsonNode otherJob = lab.job(id, other.id);
        assertTrue(otherJob == null || otherJob.get("offeredAt").isNull() || otherJob.get("offeredAt").asLong() == 0,
                other.id + " was offered the image: " + otherJob);
        assertEquals(0, other.count("telemetry 3.4.0"), other.tail());
    }

    @Test
    @Order(7)
    void theBrokerRefusesAWrongPasswordAndAnotherDevicesTopics() throws Exception {
        QemuDevice bad = lab.device("arm-bad", DeviceLab.ARM, lab.telemetry(DeviceLab.ARM, "1.0.0", 0, lab.fleet),
                "bad", List.of(), 16384);
        BrokerChecks.wrongPassword(bad);
        bad.powerOn();
        bad.await("[mote] mqtt: host.mote.internal:" + lab.mqttPort + ": ", 2, Duration.ofSeconds(120));
        assertTrue(bad.console().contains("bad user name or password") || bad.console().contains("not authorised"),
                bad.tail());
        assertEquals(0, bad.count("mqtt: connected"), bad.tail());
        JsonNode d = lab.api.get("api/devices/arm-bad");
        assertTrue(d.get("lastSeen").isNull() || d.get("lastSeen").asLong() == 0 || !d.get("online").asBoolean(),
                d.toString());
        bad.close();
        arm1.close();   // its client id is taken next: the real device would take it back
        BrokerChecks.otherDevicesTopics(lab, "arm-1", "arm-2");
    }

    /** The job offered first in rollout {@code id} (the canary). */
    private JsonNode firstOffered(long id) throws IOException {
        JsonNode first = null;
        for (JsonNode j : lab.api.get("api/rollouts/" + id + "/jobs")) {
            long at = j.get("offeredAt").isNull() ? Long.MAX_VALUE : j.get("offeredAt").asLong();
            if (at > 0 && (first == null || at < first.get("offeredAt").asLong())) {
                first = j;
            }
        }
        assertNotNull(first, "no job was offered");
        return first;
    }

    /** When the device's history recorded {@code event} for job {@code job}. */
    private long historyAt(String device, String event, long job) throws IOException {
        for (JsonNode h : lab.api.get("api/devices/" + device + "/history")) {
            if (h.get("event").asText().equals(event) && h.get("job").asLong() == job) {
                return h.get("at").asLong();
            }
        }
        throw new AssertionError(device + " has no '" + event + "' for job " + job);
    }

    private static BootState bootState(QemuDevice d) throws IOException {
        BootState s = FlashContents.read(d.flash, d.profile).bootState();
        assertNotNull(s, d.id + " has no boot state");
        return s;
    }
}
