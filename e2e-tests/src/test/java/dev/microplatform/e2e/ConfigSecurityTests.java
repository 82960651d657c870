package dev.microplatform.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config-service lets in only its accounts, serves nothing outside its repository whatever the
 * path, and decrypts {@code {cipher}} values for the services that fetch them, never for anyone
 * else.
 */
class ConfigSecurityTests {

	private static final Path GREETER_YML = ServedConfigRepo.file("greeter-service.yml");

	private String original;

	@BeforeEach
	void remember() throws Exception {
		this.original = Files.readString(GREETER_YML);
	}

	@AfterEach
	void restore() throws Exception {
		ServedConfigRepo.restore(Map.of(GREETER_YML, this.original), "Restore greeter-service.yml after an end-to-end test");
	}

	@Test
	void configurationIsServedOnlyToTheAccounts() {
		String path = "/greeter-service/default";
		assertThat(Platform.get(Platform.CONFIG_SERVICE, path, Platform.configClient()).body()).contains("greeter.template");
		List<Map<String, String>> refused = List.of(Map.of(),
				Platform.basicAuth("config-client", "not-the-password-of-the-client"),
				Platform.basicAuth("config-admin", Platform.secret("config-client-password")),
				Platform.basicAuth("someone", Platform.secret("config-client-password")));
		for (Map<String, String> credentials : refused) {
			HttpResponse<String> response = Platform.get(Platform.CONFIG_SERVICE, path, credentials);
			assertThat(response.statusCode()).as("credentials %s", credentials.keySet()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying((value) -> assertThat(value).startsWith("Basic"));
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.body()).contains("\"status\":401").doesNotContain("template");
		}
		// Services' account cannot use the console, encrypt, or read the actuator
		for (String adminOnly : List.of("/console/", "/actuator/env", "/actuator/configprops", "/actuator/busrefresh")) {
			HttpResponse<String> response = Platform.get(Platform.CONFIG_SERVICE, adminOnly, Platform.configClient());
			assertThat(response.statusCode()).as(adminOnly).isEqualTo(403);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		}
		assertThat(post("/encrypt", "a value", Platform.configClient()).statusCode()).isEqualTo(403);
	}

	@Test
	void pathTraversalThroughApplicationProfileOrLabelGetsA4xxAndNoFileContents() {
		List<String> payloads = List.of(
				// application
				"/..%252F..%252F..%252F..%252F..%252F..%252Fetc%252Fpasswd/default",
				"/..%252F..%252F..%252F..%252F..%252F..%252Fetc%252Fpasswd%23foo/development",
				"/..%2F..%2F..%2F..%2Fetc%2Fpasswd/default",
				// profile
				"/greeter-service/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
				"/greeter-service/..%252F..%252F..%252F..%252Fetc%252Fpasswd",
				// label, and the plain-text file endpoint
				"/greeter-service/default/..%252F..%252F..%252F..%252Fetc%252Fpasswd",
				"/greeter-service/default/..(_)..(_)..(_)..(_)etc/passwd",
				"/greeter-service/default/main/..%252F..%252F..%252F..%252Fetc%252Fpasswd",
				"/greeter-service/default/main/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
				"/greeter-service/default/main/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
				"/greeter-service/default/main/..;/..;/..;/..;/etc/passwd",
				"/greeter-service/default/main/..%5c..%5c..%5c..%5cetc%5cpasswd",
				"/greeter-service/default/main/%252e%252e%252f%252e%252e%252f%252e%252e%252f%252e%252e%252fetc%252fpasswd");
		for (String payload : payloads) {
			HttpResponse<String> response = Platform.get(Platform.CONFIG_SERVICE, payload, Platform.configClient());
			assertThat(response.uri().getRawPath()).as("sent as written").isEqualTo(payload);
			assertThat(response.body()).as(payload).doesNotContain("root:");
			assertThat(response.statusCode()).as(payload).isBetween(400, 499);
		}
		// What the repository holds is served
		assertThat(Platform.get(Platform.CONFIG_SERVICE, "/greeter-service/default/main/greeter-service.yml",
				Platform.configClient()).body()).contains("template:");
	}

	@Test
	void anEncryptedValueReachesTheServicesDecryptedAndNoEndpointShowsItOrTheKey() throws Exception {
		String plaintext = "Hello, {name}! Sealed " + System.nanoTime();
		HttpResponse<String> encrypted = post("/encrypt", plaintext, Platform.configAdmin());
		assertThat(encrypted.statusCode()).isEqualTo(200);
		String cipher = encrypted.body();
		assertThat(cipher).matches("[0-9a-f]{64,}");

		ServedConfigRepo.commitGreeterTemplate("{cipher}" + cipher, "An encrypted greeting");
		assertThat(Files.readString(GREETER_YML)).doesNotContain("Sealed");
		Platform.awaitEveryGreeterSays(plaintext.replace("{name}", "Config"), Duration.ofSeconds(10));

		String key = Platform.secret("config-encrypt-key");
		String sealed = plaintext.substring(plaintext.indexOf("Sealed"));
		// The file as served, the management endpoints of config-service and of every greeter
		List<HttpResponse<String>> responses = new ArrayList<>(List.of(
				Platform.get(Platform.CONFIG_SERVICE, "/greeter-service/default/main/greeter-service.yml", Platform.configClient()),
				Platform.get(Platform.CONFIG_SERVICE, "/actuator/env", Platform.configAdmin()),
				Platform.get(Platform.CONFIG_SERVICE, "/actuator/configprops", Platform.configAdmin()),
				post("/decrypt", cipher, Platform.configAdmin())));
		for (int port : Platform.passingPorts("greeter-service")) {
			for (String endpoint : List.of("/actuator/env", "/actuator/configprops", "/actuator/env/greeter.template")) {
				responses.add(Platform.get(URI.create("http://127.0.0.1:" + port), endpoint));
			}
		}
		for (HttpResponse<String> response : responses) {
			assertThat(response.body()).as(response.uri().toString()).doesNotContain(sealed).doesNotContain(key);
		}
		assertThat(responses.get(3).statusCode()).as("/decrypt is closed").isEqualTo(403);
		for (String log : List.of("config-service.log", "greeter-service-1.log", "greeter-service-2.log")) {
			assertThat(Files.readString(Platform.ROOT.resolve(".platform/logs").resolve(log))).as(log)
				.doesNotContain(key);
		}
		assertThat(Files.readString(Platform.ROOT.resolve(".platform/logs/config-service.log"))).doesNotContain(sealed);
	}

	private static HttpResponse<String> post(String path, String body, Map<String, String> credentials) {
		HttpRequest.Builder request = HttpRequest.newBuilder(Platform.CONFIG_SERVICE.resolve(path))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		credentials.forEach(request::header);
		return Platform.send(request.build());
	}

}
