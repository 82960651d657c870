package dev.microplatform.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every service registers itself in the real Consul agent, with a passing health check.
 */
class DiscoveryTests {

	@Test
	void consulListsEveryServiceWithEveryCheckPassing() {
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(Platform.consulInstances("config-service")).hasSize(1).allSatisfy(DiscoveryTests::allPassing);
			assertThat(Platform.consulInstances("gateway-service")).hasSize(1).allSatisfy(DiscoveryTests::allPassing);
			assertThat(Platform.consulInstances("greeter-service")).hasSize(2).allSatisfy(DiscoveryTests::allPassing);
		});
	}

	@Test
	void instancesOfOneServiceHaveUniqueIdsAndPublishVersionAndZone() {
		List<Map<String, Object>> greeters = Platform.consulInstances("greeter-service");
		List<String> ids = JsonPath.read(greeters, "$[*].Service.ID");
		assertThat(ids).doesNotHaveDuplicates().allMatch((id) -> id.matches("greeter-service-[0-9a-f]{8}"));
		List<Map<String, String>> meta = JsonPath.read(greeters, "$[*].Service.Meta");
		// The jar's version, the zone the launcher runs in (none set: default), where Prometheus scrapes;
		// no management port of their own
		assertThat(meta).hasSize(2).allSatisfy((entries) -> assertThat(entries).containsEntry("version", "0.1.0-SNAPSHOT")
			.containsEntry("zone", "default")
			.containsEntry("metrics_path", "/actuator/prometheus")
			.doesNotContainKey("management_port"));
		// The gateway's actuator is on a port of its own, and says which
		List<Map<String, String>> gatewayMeta = JsonPath.read(Platform.consulInstances("gateway-service"), "$[*].Service.Meta");
		assertThat(gatewayMeta).singleElement()
			.satisfies((entries) -> assertThat(entries).containsEntry("management_port",
					Integer.toString(Platform.GATEWAY_MANAGEMENT.getPort())));
	}

	private static void allPassing(Map<String, Object> instance) {
		List<String> statuses = JsonPath.read(instance, "$.Checks[*].Status");
		assertThat(statuses).isNotEmpty().containsOnly("passing");
	}

}
