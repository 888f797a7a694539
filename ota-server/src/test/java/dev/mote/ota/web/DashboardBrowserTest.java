package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.sim.Behaviour;
import dev.mote.sdk.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (headless Chromium) against a whole OTA server with simulated
 * devices, as an operator uses it: sign in, watch the fleet come online, create a rollout with
 * the form and watch it complete without a reload, see a failing canary pause one and why, pause,
 * resume and cancel from the page, upload images; strings with markup that came from devices and
 * people stay text. The tests run in order on one fleet; each leaves a screenshot of its view in
 * target/dashboard-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class DashboardBrowserTest {
    /** What a hostile device reports as its version: markup that would run script if parsed. */
    static final String EVIL_VERSION = "<img/src=x/onerror=window.__xss=1>";
    static final String EVIL_PROFILE = "<svg/onload=window.__xss=2>";
    static final String EVIL_NAME = "<script>window.__xss=3</script>canary";
    static final String EVIL_REASON = "<img src=x onerror=window.__xss=4> maintenance";
    static final Duration ROLLOUT = Duration.ofSeconds(150);
    static final int LAB = 100;
    static final int DEVICES = LAB + 6 + 3 + 1 + 1;

    @TempDir
    static Path dir;
    DashboardLab lab;
    Browser b;
    String sha;

    @BeforeAll
    void start() throws Exception {
        Browser.require();
        lab = new DashboardLab(dir.resolve("data"));
        sha = lab.upload(DashboardLab.image("1.1.0", 1));
        lab.devices("lab", LAB, "lab", List.of("sensor"), "1.0.0", i -> Behaviour.CONFIRM);
        lab.devices("crashy", 6, "crashy", List.of(), "1.0.0", i -> i < 2 ? Behaviour.CRASH : Behaviour.CONFIRM);
        lab.devices("hang", 3, "hang", List.of(), "1.0.0", i -> Behaviour.HANG);
        lab.devices("odd", 1, "odd", List.of("a=b/c:d"), "1.0.0", i -> Behaviour.CONFIRM);
        b = Browser.start(dir.resolve("chromium"));
        b.open(lab.url());
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void aWrongTokenIsRefused() throws Exception {
        b.find("#signin-form");
        b.type("#token", "0123456789abcdef");
        b.click("#signin");
        b.awaitText("#signin-error", t -> t.contains("Wrong admin token"), Browser.WAIT, "the refusal shown");
        b.screenshot("signin-refused");
        assertTrue(b.driver.manage().getCookies().stream().noneMatch(c -> c.getName().equals(Sessions.COOKIE)),
                "no session cookie after a wrong token");
        assertFalse(b.find("#nav").isDisplayed(), "nothing but the sign-in form");
    }

    @Test
    @Order(2)
    void signedInTheFleetComesOnlineLive() throws Exception {
        lab.rawHello("evil", "odd", "profile=" + EVIL_PROFILE + " version=" + EVIL_VERSION
                + " counter=0 slot=a max_chunk=16384");
        b.type("#token", lab.server.adminToken());
        b.click("#signin");
        b.awaitText("#total-devices", t -> t.equals(String.valueOf(DEVICES)), Browser.WAIT, "every provisioned device");
        var cookie = b.driver.manage().getCookieNamed(Sessions.COOKIE);
        assertTrue(cookie.isHttpOnly(), "the session cookie is HttpOnly");
        assertEquals("Strict", cookie.getSameSite());
        assertNull(b.js("return document.cookie.includes('" + Sessions.COOKIE + "') ? 'visible' : null"),
                "the page's script cannot read the session cookie");
        b.js("window.__page = 'same'");
        lab.sim.start();
        b.awaitText("#total-online", t -> t.equals(String.valueOf(DEVICES)), Duration.ofSeconds(60),
                "all devices online on the overview, without a reload");
        b.awaitText("#by-versions", t -> t.contains("1.0.0"), Browser.WAIT, "the versions");
        assertEquals("same", b.js("return window.__page"), "no reload");
        b.screenshot("overview");
    }

    @Test
    @Order(3)
    void theDeviceListPagesSearchesAndFilters() throws Exception {
        b.go("#/devices?group=lab");
        b.awaitText("#page-info", t -> t.equals("1–50 of 100 devices"), Browser.WAIT, "the first page of lab");
        assertEquals(50, b.all("#devices-table tbody tr").size());
        b.screenshot("devices");
        b.click("#page-next");
        b.awaitText("#page-info", t -> t.equals("51–100 of 100 devices"), Browser.WAIT, "the second page");
        assertEquals("lab-050", b.all("#devices-table tbody tr").get(0).getAttribute("data-id"));
        b.go("#/devices?q=lab-09");
        b.awaitText("#page-info", t -> t.equals("1–10 of 10 devices"), Browser.WAIT, "search by id");
        b.go("#/devices?tag=sensor&online=true&state=none");
        b.awaitText("#page-info", t -> t.endsWith(" of 100 devices"), Browser.WAIT, "tag, online and state filters");
        b.go("#/devices?group=hang");
        b.awaitText("#page-info", t -> t.equals("1–3 of 3 devices"), Browser.WAIT, "group filter");
        b.go("#/devices/lab-007");
        b.awaitText("#device-version", "1.0.0"::equals, Browser.WAIT, "the device page");
        assertTrue(b.text("#history").contains("first seen"), b.text("#history"));
        b.find("#device-crashes");
        b.find("#device-logs");
        b.find("#device-metrics");
        b.screenshot("device");
    }

    @Test
    @Order(4)
    void markupFromDevicesIsShownAsText() throws Exception {
        b.go("#/devices?group=odd");
        b.awaitText("#devices-table", t -> t.contains(EVIL_VERSION), Browser.WAIT, "the hostile version, as text");
        assertTrue(b.text("#devices-table").contains(EVIL_PROFILE), b.text("#devices-table"));
        assertTrue(b.text("#devices-table").contains("a=b/c:d"), "the tag");
        b.go("#/devices/evil");
        b.awaitText("#device-version", EVIL_VERSION::equals, Browser.WAIT, "the device page shows the text");
        b.go("#/");
        b.awaitText("#by-profiles", t -> t.contains(EVIL_PROFILE), Browser.WAIT, "the overview shows the text");
        assertNothingRan();
    }

    @Test
    @Order(5)
    void aRolloutCreatedWithTheFormCompletesLive() throws Exception {
        b.go("#/rollouts");
        b.click("#new-rollout");
        b.find("#rollout-form");
        b.click("#r-image option[value='" + sha + "']");
        b.type("#r-name", "sensor firmware 1.1.0");
        b.type("#r-group", "lab");
        b.type("#r-phases", "10,100%");
        b.type("#r-inflight", "20");
        b.click("#r-create");
        b.awaitText("#rollout-state", t -> t.equals("running") || t.equals("completed"), Browser.WAIT,
                "the new rollout's page");
        b.js("window.__page = 'same'");
        Set<String> seen = new TreeSet<>();
        boolean shot = false;
        long end = System.nanoTime() + ROLLOUT.toNanos();
        while (!b.text("#rollout-state").equals("completed") && System.nanoTime() < end) {
            String done = b.text("#total-confirmed .n");
            seen.add(done);
            int n = done.isEmpty() ? 0 : Integer.parseInt(done.replace(",", ""));
            if (!shot && n >= 25 && n <= 80) {
                b.screenshot("rollout-in-progress");
                shot = true;
            }
            Thread.sleep(100);
        }
        assertEquals("completed", b.text("#rollout-state"), "within " + ROLLOUT.toSeconds() + " s");
        b.awaitText("#total-confirmed .n", "100"::equals, Browser.WAIT, "every lab device confirmed");
        assertEquals("10", b.text("#phase-1-confirmed .n"), "the canary");
        assertEquals("90", b.text("#phase-2-confirmed .n"), "the rest");
        assertTrue(seen.size() >= 3, "the page moved in steps while the rollout ran: " + seen);
        assertEquals("same", b.js("return window.__page"), "no reload");
        b.screenshot("rollout-completed");
        assertNothingRan();
    }

    @Test
    @Order(6)
    void aFailingCanaryPausesTheRolloutAndThePageSaysWhy() throws Exception {
        b.go("#/rollouts/new");
        b.find("#rollout-form");
        b.click("#r-image option[value='" + sha + "']");
        b.type("#r-name", EVIL_NAME);
        b.type("#r-group", "crashy");
        b.type("#r-phases", "2,100%");
        b.type("#r-inflight", "2");
        b.type("#r-failure", "0");
        b.click("#r-create");
        b.awaitText("#rollout-state", "paused"::equals, ROLLOUT, "the rollout paused itself");
        assertEquals(EVIL_NAME, b.text("#rollout-name"), "the name, as text");
        assertNothingRan();
        String why = b.awaitText("#rollout-reason", t -> t.contains("failed or rolled back"), Browser.WAIT,
                "the reason shown");
        assertTrue(why.contains("phase 1 of 2") && why.contains("failure threshold"), why);
        b.awaitText("#failed-table", t -> t.contains("crashy-00"), Browser.WAIT, "the failed devices listed");
        b.screenshot("rollout-paused");
        b.find("#resume");
        b.click("#cancel");
        b.click("#cancel-confirm");
        b.awaitText("#rollout-state", "cancelled"::equals, Browser.WAIT, "cancelled from the page");
        JsonNode r = lab.api.get("api/rollouts");
        assertEquals("cancelled", r.get(r.size() - 1).get("state").asText());
        assertEquals(0, r.get(r.size() - 1).get("counts").get("confirmed").asInt(), "nobody past the canary");
    }

    @Test
    @Order(7)
    void pauseResumeAndCancelFromThePage() throws Exception {
        long id = lab.api.post("api/rollouts", new dev.mote.ota.fleet.Records.RolloutSpec("hang test", sha, "hang",
                null, List.of("100%"), 1, 600, 0.9, 0.5)).get("id").asLong();
        b.go("#/rollouts/" + id);
        b.awaitText("#rollout-state", "running"::equals, Browser.WAIT, "running");
        b.type("#pause-reason", EVIL_REASON);
        b.click("#pause");
        b.awaitText("#rollout-state", "paused"::equals, Browser.WAIT, "paused from the page");
        assertEquals(EVIL_REASON, b.text("#rollout-reason"), "the reason, as text");
        assertEquals("paused", lab.api.get("api/rollouts/" + id).get("state").asText());
        b.click("#resume");
        b.awaitText("#rollout-state", "running"::equals, Browser.WAIT, "resumed from the page");
        assertEquals("running", lab.api.get("api/rollouts/" + id).get("state").asText());
        b.click("#cancel");
        b.screenshot("rollout-cancel-asked");
        // a live update while the operator decides leaves the question open (it used to close it)
        b.js("document.getElementById('cancel-confirm').dataset.asked = 'yes';"
                + "document.getElementById('rollout-name').dataset.kept = 'yes';"
                + "window.__devices = -1; const es = new EventSource('/ui/events');"
                + "es.addEventListener('pulse', e => window.__devices = JSON.parse(e.data).devices);");
        long before = Await.poll(() -> ((Number) b.js("return window.__devices")).longValue(), n -> n >= 0,
                Browser.WAIT);
        assertTrue(before >= 0, "the page's stream answers");
        lab.api.post("api/devices/provision", Map.of("ids", List.of("spare-during-cancel")));
        Await.poll(() -> ((Number) b.js("return window.__devices")).longValue(), n -> n > before, Browser.WAIT);
        Thread.sleep(300);   // the page's own stream delivers the same pulse
        assertEquals("yes", b.js("const e = document.getElementById('cancel-confirm');"
                + "return e && e.offsetParent !== null ? e.dataset.asked : 'gone'"), "the question is still open");
        assertEquals("yes", b.js("return document.getElementById('rollout-name').dataset.kept || 'redrawn'"),
                "an unchanged title is not redrawn by a pulse (a selection in it would be lost)");
        b.click("#cancel-confirm");
        b.awaitText("#rollout-state", "cancelled"::equals, Browser.WAIT, "cancelled from the page");
        assertEquals("cancelled", lab.api.get("api/rollouts/" + id).get("state").asText());
        b.go("#/rollouts");
        b.awaitText("#rollouts-table", t -> t.contains("hang test") && t.contains(EVIL_NAME), Browser.WAIT,
                "the list");
        b.screenshot("rollouts");
        assertNothingRan();
    }

    @Test
    @Order(8)
    void imagesAreUploadedThroughThePageWithTheVerdictShown() throws Exception {
        Path good = dir.resolve("v12.img");
        Files.write(good, DashboardLab.image("1.2.0", 2));
        byte[] bad = DashboardLab.image("1.3.0", 3);
        bad[bad.length - 300] ^= 1;   // a payload byte
        Path tampered = dir.resolve("tampered.img");
        Files.write(tampered, bad);
        b.go("#/images");
        b.find("#image-file").sendKeys(good.toAbsolutePath().toString());
        b.click("#image-upload");
        b.awaitText("#image-verdict", t -> t.contains("Signature verified"), Browser.WAIT, "the verdict");
        b.awaitText("#images-table", t -> t.contains("1.2.0"), Browser.WAIT, "the new image listed");
        assertTrue(b.text("#images-table").contains("#1"), "the rollouts using 1.1.0 are linked");
        b.find("#image-file").sendKeys(tampered.toAbsolutePath().toString());
        b.click("#image-upload");
        b.awaitText("#image-verdict", t -> t.startsWith("Refused") && t.contains("hash mismatch"), Browser.WAIT,
                "the refusal, with why");
        b.screenshot("images");
        assertEquals(2, lab.api.get("api/images").size(), "the tampered image was not stored");
    }

    @Test
    @Order(9)
    void signingOutEndsTheSession() throws Exception {
        b.click("#signout");
        b.find("#signin-form");
        b.open(lab.url());
        b.find("#signin-form");
        assertTrue(b.driver.manage().getCookies().stream().noneMatch(c -> c.getName().equals(Sessions.COOKIE)),
                "the cookie is gone");
    }

    /** No script from data ran, and no element from data was made. */
    private void assertNothingRan() {
        assertNull(b.js("return window.__xss === undefined ? null : String(window.__xss)"), "injected script ran");
        assertEquals(0L, b.js("return document.querySelectorAll('img, script:not([src]), svg').length"),
                "markup from data became elements");
    }
}
