package dev.microplatform.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What API consumers can and cannot reach through the gateway: every service in Consul at
 * /api/&lt;service&gt;/**, including one started after the gateway; no actuator endpoint of any
 * service or of the gateway; no path that escapes its route.
 */
class GatewayEdgeTests {

	private Process lateService;

	@AfterEach
	void stopLateService() throws InterruptedException {
		Platform.stop(this.lateService);
	}

	@Test
	void aServiceStartedAfterTheGatewayIsRoutedAndAStoppedOneIsNot() throws InterruptedException {
		int port = Platform.freePort();
		this.lateService = Platform.startInstance("salutation-service", port, "--spring.application.name=late-service");
		await("late-service routed at /api/late-service").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> Platform.get(Platform.GATEWAY, "/api/late-service/salutations?lang=it", Platform.PARTNER).statusCode() == 200);
		assertThat(Platform.get(Platform.GATEWAY, "/api/late-service/salutations?lang=it", Platform.PARTNER).body())
			.contains("\"instance\":\"late-service-");

		Platform.stop(this.lateService);
		await("late-service no longer routed").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> Platform.get(Platform.GATEWAY, "/api/late-service/salutations?lang=it", Platform.PARTNER).statusCode() != 200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "env", "heapdump", "configprops", "refresh", "shutdown", "loggers", "prometheus",
			"health", "faults", "gateway/routes" })
	void noActuatorEndpointIsReachableThroughTheGatewayPort(String endpoint) {
		for (String service : List.of("greeter", "greeter-service", "salutation-service", "gateway-service-management")) {
			assertNot2xx(get("/api/" + service + "/actuator/" + endpoint));
			assertNot2xx(send("POST", "/api/" + service + "/actuator/" + endpoint, "{}"));
		}
		// The gateway's own actuator is not on the consumers' port at all
		assertNot2xx(get("/actuator/" + endpoint));
		assertNot2xx(send("POST", "/actuator/" + endpoint, "{}"));
		// On its management port: reading health and metrics, nothing that changes state
		HttpResponse<String> read = Platform.get(Platform.GATEWAY_MANAGEMENT, "/actuator/" + endpoint);
		if (List.of("health", "prometheus").contains(endpoint)) {
			assertThat(read.statusCode()).as("GET " + endpoint + " on the management port").isEqualTo(200);
		}
		else {
			assertNot2xx(read);
		}
		assertNot2xx(Platform.send(HttpRequest.newBuilder(Platform.GATEWAY_MANAGEMENT.resolve("/actuator/" + endpoint))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build()));
	}

	@Test
	void aReplayedRouteInjectionAddsNoRoute() {
		// CVE-2022-22947: a route whose filter value is a SpEL expression, then a refresh.
		String route = """
				{"id": "injected", "uri": "http://example.com", "predicates": [{"name": "Path", "args": {"_genkey_0": "/injected/**"}}],
				 "filters": [{"name": "AddResponseHeader", "args": {"name": "Result",
				 "value": "#{new String(T(org.springframework.util.StreamUtils).copyToByteArray(T(java.lang.Runtime).getRuntime().exec(new String[]{\\"id\\"}).getInputStream()))}"}}]}""";
		for (URI port : List.of(Platform.GATEWAY, Platform.GATEWAY_MANAGEMENT)) {
			assertNot2xx(Platform.send(HttpRequest.newBuilder(port.resolve("/actuator/gateway/routes/injected"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(route))
				.build()));
			assertNot2xx(Platform.send(HttpRequest.newBuilder(port.resolve("/actuator/gateway/refresh"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build()));
		}
		HttpResponse<String> injected = get("/injected/x");
		assertThat(injected.statusCode()).isEqualTo(404);
		assertThat(injected.headers().firstValue("Result")).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/greeter/../actuator/env", "/api/greeter/%2e%2e/actuator/env",
			"/api/greeter/..%2factuator/env", "/api/greeter/..;/actuator/env", "/api/greeter/%252e%252e/actuator/env",
			"/api/greeter/greetings/..%5c..%5cactuator", "/api/greeter/./greetings" })
	void pathTraversalIsRefusedAsABadRequest(String path) {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as(path).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void oversizedRequestsAreRefusedAtTheEdge() {
		HttpResponse<String> bigHeader = send(
				HttpRequest.newBuilder(URI.create(Platform.GATEWAY + "/api/greeter/greetings?name=Ada"))
					.header("X-Padding", "a".repeat(9 * 1024)));
		assertThat(bigHeader.statusCode()).as("9 KB header").isEqualTo(431);
		HttpResponse<String> longUri = get("/api/greeter/greetings?name=" + "a".repeat(5 * 1024));
		assertThat(longUri.statusCode()).as("5 KB URI").isEqualTo(414);
		HttpResponse<String> bigBody = send(HttpRequest.newBuilder(URI.create(Platform.GATEWAY + "/api/greeter/greetings"))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[6 * 1024 * 1024])));
		assertThat(bigBody.statusCode()).as("6 MB body").isEqualTo(413);
		assertThat(Platform.rawStatus("GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
			.as("malformed escape").isEqualTo(400);
	}

	@Test
	void responsesCarrySecureHeaders() {
		HttpResponse<String> response = get("/api/greeter/greetings?name=Ada");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.headers().firstValue("X-Frame-Options")).isPresent();
	}

	private static void assertNot2xx(HttpResponse<String> response) {
		assertThat(response.statusCode() / 100).as(response.request().method() + " " + response.uri() + " status class")
			.isNotEqualTo(2);
	}

	private static HttpResponse<String> get(String rawPath) {
		return send("GET", rawPath, null);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return Platform.CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	// The JDK client sends the path as given (no normalisation of dot segments or escapes).
	private static HttpResponse<String> send(String method, String rawPath, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Platform.GATEWAY + rawPath))
			.timeout(Duration.ofSeconds(10));
		if (json != null) {
			request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			return Platform.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
