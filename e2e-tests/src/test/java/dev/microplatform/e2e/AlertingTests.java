package dev.microplatform.e2e;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The platform's rules run in the real Prometheus, and their alerts reach the real Alertmanager.
 */
class AlertingTests {

	/** InstanceDown's {@code for} and Prometheus' scrape interval (prometheus/). */
	private static final Duration FOR = Duration.ofSeconds(30);

	private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

	@Test
	void prometheusHasLoadedEveryRuleAndEvaluatesThemWithoutError() {
		String rules = Platform.get(Platform.PROMETHEUS, "/api/v1/rules").body();
		List<String> alerts = JsonPath.read(rules, "$.data.groups[*].rules[?(@.type == 'alerting')].name");
		assertThat(alerts).contains("InstanceDown", "HighErrorRatio", "LatencySLOBurnFast", "LatencySLOBurnSlow",
				"CircuitBreakerOpen", "RateLimitRejectionsSurging", "RetryBudgetExhausted", "ConfigRefreshFailing");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String evaluated = Platform.get(Platform.PROMETHEUS, "/api/v1/rules").body();
			List<String> health = JsonPath.read(evaluated, "$.data.groups[*].rules[*].health");
			assertThat(health).hasSize(JsonPath.<List<?>>read(evaluated, "$.data.groups[*].rules[*]").size())
				.containsOnly("ok");
		});
		// The recording rules yield a value for a service that has served requests
		Platform.greet("Rules");
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
				query("service:http_server_requests:rate5m{service=\"greeter-service\"}")).isNotEmpty());
	}

	@Test
	void aKilledGreeterInstanceRaisesInstanceDownInAlertmanagerWithinForPlusTwoScrapeIntervals() throws Exception {
		int port = Platform.freePort();
		Process greeter = Platform.startInstance("greeter-service", port);
		try {
			String id = await().atMost(Duration.ofSeconds(120))
				.ignoreExceptions()
				.until(() -> Platform.instanceIdOn("greeter-service", port), (found) -> found != null);
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(query("up{instance_id=\"" + id + "\"} == 1")).hasSize(1));

			greeter.destroyForcibly().waitFor();
			long killed = System.nanoTime();
			await().atMost(FOR.plus(SCRAPE_INTERVAL.multipliedBy(2)).plusSeconds(15))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> alertmanagerHas("InstanceDown", id));
			Duration took = Duration.ofNanos(System.nanoTime() - killed);
			System.out.printf("InstanceDown for %s reached Alertmanager %d ms after SIGKILL%n", id, took.toMillis());

			// Firing once Prometheus has missed a scrape, evaluated the rule, and waited its for;
			// a second's slack for Prometheus to hand the alert over.
			assertThat(took).as("from SIGKILL to the alert in Alertmanager")
				.isLessThanOrEqualTo(FOR.plus(SCRAPE_INTERVAL.multipliedBy(2)).plusSeconds(1));
			String alert = Platform.get(Platform.ALERTMANAGER, "/api/v2/alerts?filter=" + encode("instance_id=\"" + id + "\""),
					Platform.alertmanagerAccount()).body();
			assertThat(JsonPath.<List<String>>read(alert, "$[*].labels.severity")).containsExactly("critical");
			assertThat(JsonPath.<List<String>>read(alert, "$[*].annotations.summary"))
				.singleElement().asString().contains("greeter-service", id, "is down");
		}
		finally {
			Platform.stop(greeter);
			// Killed, it cannot leave Consul, which would list it, critical, for another minute
			Platform.deregister("greeter-service", port);
		}
	}

	private static boolean alertmanagerHas(String alertname, String instanceId) {
		String alerts = Platform.get(Platform.ALERTMANAGER, "/api/v2/alerts?active=true&filter=" + encode("alertname=\"" + alertname + "\""),
				Platform.alertmanagerAccount()).body();
		List<String> ids = JsonPath.read(alerts, "$[*].labels.instance_id");
		return ids.contains(instanceId);
	}

	static List<Map<String, Object>> query(String promql) {
		String body = Platform.get(Platform.PROMETHEUS, "/api/v1/query?query=" + encode(promql)).body();
		assertThat(JsonPath.<String>read(body, "$.status")).as(promql).isEqualTo("success");
		return JsonPath.read(body, "$.data.result");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
