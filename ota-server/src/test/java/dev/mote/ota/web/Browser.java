package dev.mote.ota.web;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mote.sdk.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the dashboard's tests: Debian's headless Chromium (package chromium) driven
 * by Debian's chromedriver (package chromium-driver) over WebDriver, with a fresh profile and
 * nothing that reaches beyond the machine (the network here is closed). Absent: the test is
 * skipped on a developer machine and fails in CI (CI=true), where scripts/setup.sh installs both.
 * Every wait has a time limit (Await).
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where the tests leave screenshots of the main views (build artifacts, not committed). */
    static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    static final Duration WAIT = Duration.ofSeconds(30);

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the calling test without Chromium (fails in CI). */
    static void require() {
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!there && "true".equals(System.getenv("CI"))) {
            fail("chromium and chromium-driver are not installed, and CI=true: scripts/setup.sh installs them");
        }
        Assumptions.assumeTrue(there, "chromium / chromium-driver not installed (apt-get install chromium"
                + " chromium-driver): skipped");
    }

    static Browser start(Path profile) throws IOException {
        require();
        // Selenium looks for DevTools classes matching the browser's version; none is needed here
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools").setLevel(java.util.logging.Level.OFF);
        Files.createDirectories(SHOTS);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--disable-extensions", "--disable-default-apps", "--lang=en-US", "--window-size=1360,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
        return new Browser(d);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Goes to a view of the page already open (#/devices...), as a click on a link would. */
    void go(String hash) {
        js("location.hash = arguments[0]", hash);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The element, once it is there (waits up to WAIT). */
    WebElement find(String css) throws Exception {
        return Await.retrying(() -> driver.findElement(By.cssSelector(css)), NoSuchElementException.class, WAIT);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The element's text, "" if it is not there (now). */
    /**
     * The element's text, or "" if there is none. A live update may replace the element between
     * finding and reading it (stale): then it is found again, so a redraw is never read as empty.
     */
    String text(String css) {
        for (int attempt = 0; ; attempt++) {
            try {
                return driver.findElement(By.cssSelector(css)).getText();
            } catch (NoSuchElementException e) {
                return "";
            } catch (StaleElementReferenceException e) {
                if (attempt == 20) {
                    return "";
                }
            }
        }
    }

    /** Waits until the element's text satisfies {@code ok}; AssertionError with the last text otherwise. */
    String awaitText(String css, java.util.function.Predicate<String> ok, Duration timeout, String what)
            throws Exception {
        String last = Await.poll(() -> text(css), ok, timeout);
        if (!ok.test(last)) {
            screenshot("failed-" + css.replaceAll("[^A-Za-z0-9-]", "_"));
            throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + " (" + css + " says '"
                    + last + "')");
        }
        return last;
    }

    void awaitTrue(Supplier<Boolean> ok, Duration timeout, String what) throws Exception {
        Await.await(ok::get, timeout, what);
    }

    void click(String css) throws Exception {
        Await.retrying(() -> {
            driver.findElement(By.cssSelector(css)).click();
            return null;
        }, RuntimeException.class, WAIT);
    }

    /** Types into a field, again when a live update redraws the page under it (a stale element). */
    void type(String css, String text) throws Exception {
        Await.retrying(() -> {
            WebElement e = driver.findElement(By.cssSelector(css));
            e.clear();
            e.sendKeys(text);
            if (!text.equals(e.getDomProperty("value"))) {
                throw new IllegalStateException(css + " lost what was typed");
            }
            return null;
        }, RuntimeException.class, WAIT);
    }

    /** Saves the page as target/dashboard-screenshots/NAME.png. */
    Path screenshot(String name) throws IOException {
        Path to = SHOTS.resolve(name + ".png");
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
