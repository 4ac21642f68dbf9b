package io.relay.preference.centre;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.preference.PreferenceServiceTestBase;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The preference centre in a real headless Chromium (Debian's), driven by Selenium, with JavaScript
 * switched off: the page must work as plain HTML. Screenshots land in target/screenshots.
 */
class PreferenceCentreBrowserTest extends PreferenceServiceTestBase {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private WebDriver browser;

    @BeforeEach
    void openBrowser() {
        category("appointments", "transactional", "sms", "email");
        category("offers", "marketing", "email", "sms");
        customer(
                "c-1",
                "{\"email\":\"ana@example.org\",\"phone\":\"+31612345678\",\"timeZone\":\"Europe/Amsterdam\",\"locale\":\"nl-NL\"}");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=412,1400"); // a phone's width
        options.setExperimentalOption(
                "prefs", java.util.Map.of("profile.managed_default_content_settings.javascript", 2));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String pageUrl() {
        JsonNode link =
                read(api.post("/v1/customers/c-1/preference-links", null).body());
        String token = URLDecoder.decode(
                URI.create(link.get("url").asString()).getRawQuery().substring("token=".length()),
                StandardCharsets.UTF_8);
        return baseUrl() + "/preferences?token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
        System.out.println("screenshot: " + file.toAbsolutePath());
    }

    private WebElement box(String category, String channel) {
        return browser.findElement(By.id("ch-" + category + "-" + channel));
    }

    @Test
    void aCustomerChangesAChoiceSavesReloadsAndSeesItKept() throws Exception {
        browser.get(pageUrl());
        screenshot("preference-centre-loaded");

        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("nl");
        assertThat(box("appointments", "sms").isSelected()).isTrue();
        assertThat(box("offers", "email").isSelected())
                .as("marketing is off until the customer says yes")
                .isFalse();
        // every control has a label a screen reader can announce
        for (WebElement input : browser.findElements(By.cssSelector("input:not([type=hidden]), select"))) {
            assertThat(browser.findElements(By.cssSelector("label[for='" + input.getAttribute("id") + "']")))
                    .as("label for %s", input.getAttribute("id"))
                    .hasSize(1);
        }

        box("offers", "email").click();
        box("appointments", "sms").sendKeys(Keys.SPACE); // keyboard works as well as the mouse
        browser.findElement(By.id("quietStart")).sendKeys("22:00");
        browser.findElement(By.id("quietEnd")).sendKeys("07:30");
        browser.findElement(By.id("save")).click();

        // the form posts and the browser follows the redirect: wait for the page it lands on
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> !d.findElements(By.id("saved")).isEmpty());
        assertThat(browser.findElement(By.id("saved")).getText()).contains("Saved");
        browser.navigate().refresh();
        screenshot("preference-centre-saved");
        assertThat(box("offers", "email").isSelected()).isTrue();
        assertThat(box("appointments", "sms").isSelected()).isFalse();
        assertThat(box("appointments", "email").isSelected()).isTrue();
        assertThat(browser.findElement(By.id("quietStart")).getAttribute("value"))
                .isEqualTo("22:00");

        JsonNode ledger = read(api.get("/v1/customers/c-1/consents").body());
        assertThat(ledger.findValuesAsString("source")).containsOnly("preference-centre");
        List<String> changes = ledger.valueStream()
                .map(e -> e.get("category").asString() + "/" + e.get("channel").asString() + "="
                        + e.get("granted").asBoolean())
                .toList();
        assertThat(changes).containsExactlyInAnyOrder("offers/email=true", "appointments/sms=false");
        JsonNode prefs = read(api.get("/v1/customers/c-1/preferences").body());
        assertThat(prefs.get("quietHours").get("end").asString()).isEqualTo("07:30");
    }

    @Test
    void aBadTimeZoneIsExplainedOnThePageAndNothingIsSaved() throws Exception {
        browser.get(pageUrl());
        box("offers", "email").click();
        var zone = browser.findElement(By.id("timeZone"));
        zone.clear();
        zone.sendKeys("Mars/Olympus");
        browser.findElement(By.id("save")).click();

        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> !d.findElements(By.id("errors")).isEmpty());
        assertThat(browser.findElement(By.id("errors")).getText()).contains("timeZone");
        screenshot("preference-centre-error");
        assertThat(read(api.get("/v1/customers/c-1/consents").body()).size()).isZero();
    }

    @Test
    void aForgedLinkShowsAPlainExplanation() {
        browser.get(baseUrl() + "/preferences?token=forged.token");

        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("does not work");
    }
}
