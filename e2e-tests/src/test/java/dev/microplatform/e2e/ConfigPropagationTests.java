package dev.microplatform.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A commit to the repository config-service serves (the launcher's .platform/config-repo, whose
 * post-commit hook notifies config-service) reaches every running instance over the bus: the
 * greeters' template, the gateway's consumers and their rate limits.
 */
class ConfigPropagationTests {

	private static final Path GREETER_YML = ServedConfigRepo.file("greeter-service.yml");

	private static final Path GATEWAY_YML = ServedConfigRepo.file("gateway-service.yml");

	private String original;

	private String originalGateway;

	@BeforeEach
	void remember() throws IOException {
		this.original = Files.readString(GREETER_YML);
		this.originalGateway = Files.readString(GATEWAY_YML);
		assertThat(this.original).contains("template:");
	}

	@AfterEach
	void restore() throws Exception {
		ServedConfigRepo.restore(Map.of(GREETER_YML, this.original, GATEWAY_YML, this.originalGateway),
				"Restore the configuration after an end-to-end test");
		Platform.awaitEveryGreeterSays(ServedConfigRepo.greeting("Config"), Duration.ofSeconds(10));
		// Refreshes under traffic leave every instance's metrics readable by Prometheus
		List<URI> scraped = new ArrayList<>(List.of(Platform.GATEWAY_MANAGEMENT));
		Platform.passingPorts("greeter-service").forEach((port) -> scraped.add(URI.create("http://127.0.0.1:" + port)));
		for (URI instance : scraped) {
			assertThat(Platform.get(instance, "/actuator/prometheus").statusCode()).as("scrape of %s", instance).isEqualTo(200);
		}
	}

	@Test
	void aCommittedTemplateReachesEveryGreeterWithinTwoSecondsWithoutARestart() throws Exception {
		List<String> startedBefore = greeterStartTimes();
		String marker = "changed by commit " + System.nanoTime();
		ServedConfigRepo.commitGreeterTemplate("Hello, {name}! " + marker, "Greeting " + marker);
		Duration took = Platform.awaitEveryGreeterSays("Hello, Config! " + marker, Duration.ofSeconds(10));
		System.out.printf("A committed greeting template reached every greeter in %d ms%n", took.toMillis());

		assertThat(took).as("from the commit to the last greeter serving it").isLessThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(greeterStartTimes()).as("no greeter restarted").isEqualTo(startedBefore);
		String history = ServedConfigRepo.git("log", "-1", "--format=%an|%s");
		assertThat(history).isEqualTo("e2e test|Greeting " + marker);
	}

	@Test
	void aPropertyRemovedFromTheRepositoryIsRemovedFromRunningInstances() throws Exception {
		Files.writeString(GREETER_YML, this.original.replaceFirst("(?m)^\\s*template: \"[^\"]*\"\\R", ""));
		assertThat(Files.readString(GREETER_YML)).doesNotContain("template:");
		ServedConfigRepo.commit("Remove the greeting template");
		// Back to GreetingProperties' own default
		Platform.awaitEveryGreeterSays("Hello, Config!", Duration.ofSeconds(10));
	}

	@Test
	void theDegradationSwitchTurnedOnInTheRepositoryMakesEveryGreeterServeItsFallbackAndOffAgain() throws Exception {
		awaitEveryGreeterSalutes("Bonjour", false);
		Files.writeString(GREETER_YML, this.original + "\nplatform.inbound.degraded: [ greetings ]\n");
		ServedConfigRepo.commit("Degrade greetings: no calls to salutation-service");
		awaitEveryGreeterSalutes("Hello", true);

		Files.writeString(GREETER_YML, this.original);
		ServedConfigRepo.commit("Greetings back to normal");
		awaitEveryGreeterSalutes("Bonjour", false);
	}

	/** Every greeter's French greeting has this salutation, from salutation-service or the fallback. */
	private static void awaitEveryGreeterSalutes(String salutation, boolean fallback) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			List<Integer> ports = Platform.passingPorts("greeter-service");
			assertThat(ports).isNotEmpty();
			for (int port : ports) {
				String body = Platform.get(URI.create("http://127.0.0.1:" + port), "/greetings?name=Degraded&lang=fr").body();
				assertThat((String) JsonPath.read(body, "$.salutation.text")).as("greeter on %d: %s", port, body).isEqualTo(salutation);
				assertThat((Boolean) JsonPath.read(body, "$.salutation.fallback")).as("greeter on %d", port).isEqualTo(fallback);
			}
		});
	}

	@Test
	void aConsumerAndItsRateLimitAddedToTheRepositoryApplyAtTheGatewayWithoutARestart() throws Exception {
		String key = "live-" + System.nanoTime();
		String consumer = """
				    live-test:
				      api-keys: [ "sha256:%s" ]
				      routes: [ salutation ]
				      rate-limit: { replenish-rate: 1, burst-capacity: %d }
				""";
		Map<String, String> credentials = Map.of("X-API-Key", key);
		addConsumer(consumer.formatted(sha256(key), 3));
		ServedConfigRepo.commit("Consumer live-test: a burst of 3");
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.until(() -> Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr", credentials).statusCode() == 200);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			statuses.add(Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr", credentials).statusCode());
		}
		assertThat(statuses).as("a burst of 3, one more a second").contains(429).filteredOn((status) -> status == 200).hasSizeLessThanOrEqualTo(4);

		// The limit raised in the repository: the consumer's next burst is the new one
		Files.writeString(GATEWAY_YML, this.originalGateway);
		addConsumer(consumer.formatted(sha256(key), 50));
		ServedConfigRepo.commit("Consumer live-test: a burst of 50");
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			HttpResponse<String> response = Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr", credentials);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("X-RateLimit-Burst-Capacity")).hasValue("50");
		});
	}

	@Test
	void aRouteAddedToTheRepositoryIsServedByTheGatewayAndGoesWhenRemoved() throws Exception {
		String path = "/api/live-route-" + System.nanoTime() + "/salutations?lang=fr";
		assertThat(Platform.get(Platform.GATEWAY, path, Platform.PARTNER).statusCode()).isEqualTo(404);
		String gateway = Files.readString(GATEWAY_YML);
		String routes = "spring.cloud.gateway.server.webflux.routes:\n";
		assertThat(gateway).contains(routes);
		Files.writeString(GATEWAY_YML, gateway.replace(routes, routes + """
				  - id: live-route
				    uri: lb://salutation-service
				    predicates: [ "Path=%s" ]
				    filters: [ StripPrefix=2 ]
				""".formatted(path.substring(0, path.indexOf("/salutations")) + "/**")));
		ServedConfigRepo.commit("Route live-route");
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			HttpResponse<String> response = Platform.get(Platform.GATEWAY, path, Platform.PARTNER);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat((String) JsonPath.read(response.body(), "$.text")).isEqualTo("Bonjour");
		});

		Files.writeString(GATEWAY_YML, this.originalGateway);
		ServedConfigRepo.commit("Remove route live-route");
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.until(() -> Platform.get(Platform.GATEWAY, path, Platform.PARTNER).statusCode() == 404);
	}

	@Test
	void consumersAreServedWithoutAFailureWhileTheGatewayTakesConfigurationChanges() throws Exception {
		AtomicBoolean calling = new AtomicBoolean(true);
		AtomicInteger calls = new AtomicInteger();
		List<String> failures = new CopyOnWriteArrayList<>();
		Runnable partner = () -> {
			while (calling.get()) {
				HttpResponse<String> response = Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr",
						Platform.PARTNER);
				calls.incrementAndGet();
				if (response.statusCode() != 200 && response.statusCode() != 429) {
					failures.add(response.statusCode() + " " + response.body());
				}
			}
		};
		// A few callers at once, as a consumer's traffic would be
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Thread caller = new Thread(partner, "partner-calls-" + i);
			caller.start();
			callers.add(caller);
		}
		try {
			for (int change = 1; change <= 5; change++) {
				// Each change a new consumer: the gateway's consumers are bound again each time
				String key = "probe-" + change + "-" + System.nanoTime();
				Files.writeString(GATEWAY_YML, this.originalGateway);
				addConsumer("""
						    refresh-probe:
						      api-keys: [ "sha256:%s" ]
						      routes: [ salutation ]
						""".formatted(sha256(key)));
				int before = calls.get();
				ServedConfigRepo.commit("Consumer refresh-probe, change " + change);
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
					.until(() -> Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr",
							Map.of("X-API-Key", key)).statusCode() == 200);
				assertThat(calls.get() - before).as("calls while change %d landed", change).isPositive();
			}
		}
		finally {
			calling.set(false);
			for (Thread caller : callers) {
				caller.join(10_000);
			}
		}
		assertThat(failures).as("of %d calls", calls.get()).isEmpty();
	}

	private void addConsumer(String consumer) throws IOException {
		String gateway = Files.readString(GATEWAY_YML);
		assertThat(gateway).contains("  consumers:\n");
		Files.writeString(GATEWAY_YML, gateway.replace("  consumers:\n", "  consumers:\n" + consumer));
	}

	private static String sha256(String value) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void theMonitorEndpointRefusesPushesThatAreNotSignedWithTheSecret() throws Exception {
		String body = "{\"commits\":[{\"modified\":[\"greeter-service.yml\"]}]}";
		for (String signature : List.of("", "sha256=" + "0".repeat(64))) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8888/monitor"))
				.header("Content-Type", "application/json")
				.header("X-GitHub-Event", "push")
				.POST(HttpRequest.BodyPublishers.ofString(body));
			if (!signature.isEmpty()) {
				request.header("X-Hub-Signature-256", signature);
			}
			HttpResponse<String> response = Platform.send(request.build());
			assertThat(response.statusCode()).as("push signed with '%s'", signature).isBetween(400, 499);
		}
	}

	private static List<String> greeterStartTimes() {
		List<String> started = new ArrayList<>();
		for (int port : Platform.passingPorts("greeter-service")) {
			started.add(port + "=" + Platform.metric(URI.create("http://127.0.0.1:" + port), "process_start_time_seconds",
					Map.of()));
		}
		return started;
	}



}
