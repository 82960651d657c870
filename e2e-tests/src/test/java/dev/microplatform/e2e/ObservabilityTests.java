package dev.microplatform.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics reach Prometheus through Consul service discovery; traces reach Zipkin from every hop.
 */
class ObservabilityTests {

	@Test
	void prometheusFindsEveryServiceThroughConsulAndScrapesItUp() {
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			String targets = Platform.get(Platform.PROMETHEUS, "/api/v1/targets?state=active").body();
			for (String service : List.of("config-service", "gateway-service", "greeter-service")) {
				List<Map<String, Object>> found = JsonPath.read(targets,
						"$.data.activeTargets[?(@.discoveredLabels.__meta_consul_service == '" + service + "')]");
				assertThat(found).as(service).hasSize(Platform.passingIds(service).size());
				assertThat(found).as(service).allSatisfy((target) -> assertThat(target).containsEntry("health", "up"));
			}
		});
	}

	@Test
	void scrapedSeriesCarryApplicationAndInstanceTags() {
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			String result = Platform
				.get(Platform.PROMETHEUS, "/api/v1/query?query=" + URLEncoder.encode("last_over_time(jvm_info{application=\"greeter-service\"}[10s])", StandardCharsets.UTF_8))
				.body();
			List<String> instances = JsonPath.read(result, "$.data.result[*].metric.exported_instance");
			assertThat(instances).containsExactlyInAnyOrderElementsOf(Platform.passingIds("greeter-service"));
		});
	}

	@Test
	void oneRequestThroughTheGatewayIsOneTraceWithSpansFromGatewayAndGreeter() {
		String traceId = HexFormat.of().formatHex(randomBytes(16));
		String parentSpanId = HexFormat.of().formatHex(randomBytes(8));
		HttpResponse<String> response = Platform.get(Platform.GATEWAY, "/api/greeter/greetings?name=Trace",
				Map.of("traceparent", "00-" + traceId + "-" + parentSpanId + "-01"));
		assertThat(response.statusCode()).isEqualTo(200);

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			HttpResponse<String> trace = Platform.get(Platform.ZIPKIN, "/api/v2/trace/" + traceId);
			assertThat(trace.statusCode()).isEqualTo(200);
			List<String> traceIds = JsonPath.read(trace.body(), "$[*].traceId");
			List<String> services = JsonPath.read(trace.body(), "$[*].localEndpoint.serviceName");
			assertThat(traceIds).containsOnly(traceId);
			assertThat(services).contains("gateway-service", "greeter-service");
		});
	}

	@Test
	void tenThousandRandomPathsAddAFewTimersAndNoSeriesPerPath() throws Exception {
		List<URI> scraped = List.of(Platform.GATEWAY_MANAGEMENT, Platform.GREETER_1);
		Set<String> before = series(scraped);
		List<String> randoms = callRandomPaths(10_000);
		Set<String> added = new TreeSet<>(series(scraped));
		added.removeAll(before);

		// A path is never a tag: what random paths add is one timer per new status (404, now and
		// then 503) and route, each with its latency-objective buckets.
		assertThat(added).as("series naming a random path")
			.noneMatch((line) -> randoms.stream().anyMatch(line::contains));
		Set<String> addedTimers = new TreeSet<>();
		added.forEach((line) -> addedTimers.add(line.replaceAll("_(bucket|count|sum|max)\\{", "{").replaceAll(",?le=\"[^\"]*\"", "")));
		assertThat(addedTimers).as("timers added by 10 000 random paths").hasSizeLessThanOrEqualTo(12);
		assertThat(added).as("series added by 10 000 random paths").hasSizeLessThanOrEqualTo(12 * 11);
	}

	/**
	 * Unrouted paths at the gateway, routed ones (as the partner consumer, whose bucket refills
	 * faster than this uses it), and paths straight at a greeter; returns the random part of each.
	 */
	private static List<String> callRandomPaths(int count) throws Exception {
		List<String> targets = new ArrayList<>();
		List<String> randoms = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String random = HexFormat.of().formatHex(randomBytes(6));
			randoms.add(random);
			targets.add(switch (i % 20) {
				case 0 -> "gateway:/api/greeter/" + random + "/" + i;
				case 1, 2, 3, 4, 5, 6, 7, 8, 9 -> "gateway:/" + random + "/" + i + "?q=" + random;
				default -> "greeter:/" + random + "/x/" + i;
			});
		}
		ForkJoinPool callers = new ForkJoinPool(4);
		try {
			List<Integer> statuses = callers.submit(() -> targets.parallelStream().map((target) -> {
				String path = target.substring(target.indexOf(':') + 1);
				return target.startsWith("gateway:") ? Platform.get(Platform.GATEWAY, path, Platform.PARTNER).statusCode()
						: Platform.get(Platform.GREETER_1, path).statusCode();
			}).toList()).get();
			// Not found; on a busy machine now and then shed by a limit (429, 503) or past the
			// greeter route's timeout (504): the platform protecting itself, never a 500
			assertThat(statuses).hasSize(count).doesNotContain(500);
			assertThat(statuses.stream().filter((status) -> status == 404).count()).isGreaterThan(count * 9L / 10);
		}
		finally {
			callers.shutdown();
		}
		return randoms;
	}

	/** Every series an instance exposes (name and labels, without the value). */
	private static Set<String> series(List<URI> instances) {
		Set<String> series = new TreeSet<>();
		for (URI instance : instances) {
			Platform.get(instance, "/actuator/prometheus")
				.body()
				.lines()
				.filter((line) -> !line.isBlank() && !line.startsWith("#"))
				.map((line) -> line.substring(0, line.lastIndexOf(' ')))
				.forEach(series::add);
		}
		return series;
	}

	@Test
	void theTraceIdTheGatewayReturnsFindsOneTraceWithSpansFromEveryHopInZipkin() {
		HttpResponse<String> response = Platform.greet("Hops");
		assertThat(response.statusCode()).isEqualTo(200);
		String traceId = response.headers().firstValue("X-Trace-Id").orElseThrow();
		assertThat(traceId).matches("[0-9a-f]{32}");

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			HttpResponse<String> trace = Platform.get(Platform.ZIPKIN, "/api/v2/trace/" + traceId);
			assertThat(trace.statusCode()).isEqualTo(200);
			List<String> services = JsonPath.read(trace.body(), "$[*].localEndpoint.serviceName");
			assertThat(services).contains("gateway-service", "greeter-service", "salutation-service");
			// gateway → greeter → salutation: client and server spans of each call
			List<String> kinds = JsonPath.read(trace.body(), "$[*].kind");
			assertThat(kinds).contains("SERVER", "CLIENT");
		});
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}


	@Test
	void everyRequestThroughTheGatewayHasOneAccessLogLineWithItsTraceId() throws Exception {
		HttpResponse<String> response = Platform.get(Platform.GATEWAY, "/api/greeter/greetings?name=Logged&password=p",
				Platform.PARTNER);
		assertThat(response.statusCode()).isEqualTo(200);
		String traceId = response.headers().firstValue("X-Trace-Id").orElseThrow();
		Path log = Platform.ROOT.resolve(".platform/logs/gateway-service.log");
		// trace id, consumer, route, method, path without the query, status, latency, bytes
		Pattern line = Pattern.compile("dev\\.microplatform\\.gateway\\.access\\s+: trace_id="
				+ traceId + " consumer=partner route=greeter method=GET path=/api/greeter/greetings status=200 latency_ms=\\d+ bytes="
				+ response.body().getBytes(StandardCharsets.UTF_8).length + "$");
		await("the request's access log line").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(Files.readAllLines(log).stream()
				.filter((logged) -> logged.contains("trace_id=" + traceId)))
				.singleElement()
				.satisfies((logged) -> assertThat(line.matcher(logged).find()).as(logged).isTrue()));
	}

}
