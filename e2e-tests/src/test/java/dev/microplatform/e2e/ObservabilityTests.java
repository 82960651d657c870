package dev.microplatform.e2e;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		ThreadLocalRandom.current().nextBytes(bytes);
		return bytes;
	}

}
