package dev.microplatform.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The config console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), as an operator uses it: change greeter-service's template, watch every
 * greeter serve it and acknowledge the refresh, roll it back, watch every greeter serve the
 * original again. The rollback leaves the served repository's files as they were.
 */
class ConsoleBrowserTests {

	private static final Path GREETER_YML = ServedConfigRepo.file("greeter-service.yml");

	private WebDriver browser;

	private Path profile;

	private String head;

	private String greeterYml;

	@BeforeEach
	void openBrowser() throws IOException {
		this.head = gitOrFail("rev-parse", "HEAD");
		this.greeterYml = Files.readString(GREETER_YML);
		this.profile = Files.createTempDirectory("console-chromium-");
		ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--no-first-run", "--user-data-dir=" + this.profile);
		ChromeDriverService driver = new ChromeDriverService.Builder()
			.usingDriverExecutable(new File("/usr/bin/chromedriver"))
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(driver, options);
		this.browser.manage().timeouts().implicitlyWait(Duration.ZERO);
	}

	@AfterEach
	void closeBrowser() throws Exception {
		if (this.browser != null) {
			this.browser.quit();
		}
		try (Stream<Path> files = Files.walk(this.profile)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		// Only when the test failed before its rollback: the file as it was, for the other tests
		if (!ServedConfigRepo.git("diff", "--name-only", this.head, "HEAD", "--", "greeter-service.yml").isEmpty()) {
			Files.writeString(GREETER_YML, this.greeterYml);
			ServedConfigRepo.commit("Restore greeter-service.yml after the console's browser test");
		}
	}

	@Test
	void anOperatorEditsTheGreetingSeesItEverywhereAndRollsItBack() throws Exception {
		// What the repository says, served everywhere (an earlier test's last change has landed)
		String original = ServedConfigRepo.greeting("Config");
		Platform.awaitEveryGreeterSays(original, Duration.ofSeconds(5));
		String marker = "set in the console " + System.nanoTime();
		List<String> greeterIds = Platform.passingIds("greeter-service");
		assertThat(greeterIds).hasSize(2);

		this.browser.get(consoleUrlWithCredentials());
		WebElement greeter = awaitElement(By.cssSelector("li[data-application='greeter-service']"));
		greeter.findElement(By.cssSelector("button[data-profile='default']")).click();
		awaitElement(By.cssSelector("#configuration tr[data-key='greeter.template'] button.edit")).click();
		assertThat(new Select(this.browser.findElement(By.id("edit-file"))).getFirstSelectedOption().getText())
			.isEqualTo("greeter-service.yml");
		assertThat(this.browser.findElement(By.id("edit-key")).getDomProperty("value")).isEqualTo("greeter.template");

		type(By.id("edit-value"), "\"Hello, {name}! " + marker + "\"");
		type(By.id("edit-message"), "Greeting " + marker);
		this.browser.findElement(By.id("edit-save")).click();

		Platform.awaitEveryGreeterSays("Hello, Config! " + marker, Duration.ofSeconds(5));
		assertThat(ServedConfigRepo.git("log", "-1", "--format=%an|%s")).isEqualTo("config-admin|Greeting " + marker);
		// The page polls and redraws the acknowledgements every second: elements go stale
		await("every greeter's acknowledgement shown in the page").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> {
				WebElement latest = this.browser.findElement(By.cssSelector("#refreshes .refresh"));
				assertThat(latest.getDomAttribute("data-destination")).isEqualTo("greeter-service:**");
				assertThat(latest.findElements(By.cssSelector("li[data-acked='true']")))
					.extracting((item) -> item.getDomAttribute("data-instance-id"))
					.containsExactlyInAnyOrderElementsOf(greeterIds);
			});

		awaitElement(By.cssSelector("#history tr[data-commit='" + this.head + "'] button.rollback")).click();
		await("the page's confirmation").atMost(Duration.ofSeconds(5)).ignoreException(NoAlertPresentException.class)
			.until(() -> {
				this.browser.switchTo().alert().accept();
				return true;
			});

		Platform.awaitEveryGreeterSays(original, Duration.ofSeconds(5));
		assertThat(ServedConfigRepo.git("diff", "--name-only", this.head, "HEAD")).as("files as they were").isEmpty();
		assertThat(ServedConfigRepo.git("log", "-1", "--format=%an|%s"))
			.startsWith("config-admin|Roll back to " + this.head.substring(0, 7));
		await("the rollback reported in the page").atMost(Duration.ofSeconds(5))
			.ignoreException(StaleElementReferenceException.class)
			.untilAsserted(() -> assertThat(this.browser.findElement(By.id("message")).getText())
				.startsWith("Rolled back to " + this.head.substring(0, 7)));
	}

	private String consoleUrlWithCredentials() {
		String password = URLEncoder.encode(Platform.secret("config-admin-password"), StandardCharsets.UTF_8);
		return "http://config-admin:" + password + "@127.0.0.1:" + Platform.CONFIG_SERVICE.getPort() + "/console/";
	}

	private WebElement awaitElement(By selector) {
		return await("the page shows " + selector).atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.ignoreException(StaleElementReferenceException.class)
			.until(() -> this.browser.findElements(selector).stream().filter(WebElement::isDisplayed).findFirst(),
					java.util.Optional::isPresent)
			.orElseThrow();
	}

	private void type(By field, String text) {
		WebElement input = this.browser.findElement(field);
		input.clear();
		input.sendKeys(text);
	}

	private static String gitOrFail(String... arguments) {
		try {
			return ServedConfigRepo.git(arguments);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
