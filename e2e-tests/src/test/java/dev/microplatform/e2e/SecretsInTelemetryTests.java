package dev.microplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No credential a caller sends, in a header or in the query, reaches a trace, a metric label or a
 * log line: the request goes through the real gateway to the real greeter, then Zipkin's API,
 * every label value Prometheus holds and every log of the platform are searched for each secret.
 */
class SecretsInTelemetryTests {

	@Test
	void credentialsInHeadersAndQueryReachNoTraceMetricOrLog() {
		Map<String, String> secrets = new LinkedHashMap<>();
		for (String parameter : List.of("access_token", "api_key", "key", "token", "password")) {
			secrets.put(parameter, "leak-" + parameter.replace('_', '-') + "-" + UUID.randomUUID());
		}
		String bearer = "leak-bearer-" + UUID.randomUUID();
		StringBuilder query = new StringBuilder("name=Ada");
		secrets.forEach((name, value) -> query.append('&').append(name).append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
		Map<String, String> headers = new LinkedHashMap<>(Platform.PARTNER);
		headers.put("Authorization", "Bearer " + bearer);
		Instant sent = Instant.now();
		HttpResponse<String> response = Platform.get(Platform.GATEWAY, "/api/greeter/greetings?" + query, headers);
		assertThat(response.statusCode()).isEqualTo(200);
		String traceId = response.headers().firstValue("X-Trace-Id").orElseThrow();
		// An invalid key and an invalid bearer token, refused at the edge, are secrets too
		String badKey = "leak-bad-key-" + UUID.randomUUID();
		assertThat(Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr", Map.of("X-API-Key", badKey))
			.statusCode()).isEqualTo(401);
		List<String> allSecrets = Stream.concat(secrets.values().stream(), Stream.of(bearer, badKey)).toList();

		// The trace has spans of the gateway and of the greeter, and none of the secrets
		await("the request's trace in Zipkin").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				HttpResponse<String> trace = Platform.get(Platform.ZIPKIN, "/api/v2/trace/" + traceId);
				assertThat(trace.statusCode()).isEqualTo(200);
				List<String> services = JsonPath.read(trace.body(), "$[*].localEndpoint.serviceName");
				assertThat(services).contains("gateway-service", "greeter-service");
			});
		String recentTraces = Platform.get(Platform.ZIPKIN, "/api/v2/traces?limit=200&lookback=300000").body();
		String trace = Platform.get(Platform.ZIPKIN, "/api/v2/trace/" + traceId).body();
		assertThat(trace).contains("access_token=");
		for (String secret : allSecrets) {
			assertThat(trace).as("the trace").doesNotContain(secret);
			assertThat(recentTraces).as("recent traces").doesNotContain(secret);
		}

		// Prometheus has scraped the gateway and the greeters since: none of its label values holds one
		await("Prometheus scraped every service after the request").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> scrapedSince(sent));
		List<String> labels = JsonPath.read(Platform.get(Platform.PROMETHEUS, "/api/v1/labels").body(), "$.data");
		assertThat(labels).contains("uri", "instance");
		for (String label : labels) {
			String values = Platform.get(Platform.PROMETHEUS, "/api/v1/label/" + label + "/values").body();
			for (String secret : allSecrets) {
				assertThat(values).as("values of label " + label).doesNotContain(secret);
			}
		}

		// Every log of the platform, the access log line of the request included
		Path logs = Platform.ROOT.resolve(".platform/logs");
		await("the request's access log line").atMost(Duration.ofSeconds(10))
			.until(() -> Files.readString(logs.resolve("gateway-service.log")).contains("trace_id=" + traceId));
		try (Stream<Path> files = Files.list(logs)) {
			for (Path log : files.toList()) {
				String content = Files.readString(log, StandardCharsets.ISO_8859_1);
				for (String secret : allSecrets) {
					assertThat(content).as(log.getFileName().toString()).doesNotContain(secret);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Every target Prometheus scrapes was last scraped after the instant. */
	private static boolean scrapedSince(Instant instant) {
		List<String> lastScrapes = JsonPath.read(Platform.get(Platform.PROMETHEUS, "/api/v1/targets?state=active").body(),
				"$.data.activeTargets[*].lastScrape");
		return !lastScrapes.isEmpty() && lastScrapes.stream().map(Instant::parse).allMatch((scrape) -> scrape.isAfter(instant));
	}

}
