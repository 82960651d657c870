package dev.microplatform.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every query of the provisioned Grafana dashboards (grafana/dashboards/) runs in the real
 * Prometheus of the platform without error, and has data once requests have gone through.
 */
class DashboardTests {

	/** What Grafana puts in place of the dashboards' variables: every service, a one-minute rate. */
	private static final Map<String, String> VARIABLES = Map.of("$service", ".*", "$__rate_interval", "1m");

	@Test
	void everyDashboardQueryReturnsDataFromThePlatformsPrometheus() throws IOException {
		Map<String, String> queries = dashboardQueries();
		assertThat(queries).as("queries in grafana/dashboards").hasSizeGreaterThan(15);
		for (int i = 0; i < 20; i++) {
			assertThat(Platform.greet("Dashboard").statusCode()).isEqualTo(200);
		}

		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
			List<String> withoutData = new ArrayList<>();
			queries.forEach((where, expr) -> {
				if (AlertingTests.query(expr).isEmpty()) {
					withoutData.add(where + ": " + expr);
				}
			});
			assertThat(withoutData).as("queries without data").isEmpty();
		});
	}

	/** "dashboard / panel / refId" to the query, with Grafana's variables filled in. */
	private static Map<String, String> dashboardQueries() throws IOException {
		Map<String, String> queries = new LinkedHashMap<>();
		try (Stream<Path> files = Files.list(Platform.ROOT.resolve("grafana/dashboards"))) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".json")).sorted().toList()) {
				String json = Files.readString(file);
				String title = JsonPath.read(json, "$.title");
				List<Map<String, Object>> panels = JsonPath.read(json, "$..panels[?(@.targets)]");
				for (Map<String, Object> panel : panels) {
					for (Map<String, Object> target : JsonPath.<List<Map<String, Object>>>read(panel, "$.targets")) {
						queries.put(title + " / " + panel.get("title") + " / " + target.get("refId"),
								fill((String) target.get("expr")));
					}
				}
				// A variable's label_values(selector, label): the selector must find series.
				for (String definition : JsonPath.<List<String>>read(json, "$.templating.list[*].definition")) {
					queries.put(title + " / variable", definition.replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
				}
			}
		}
		return queries;
	}

	private static String fill(String expr) {
		String filled = expr;
		for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
			filled = filled.replace(variable.getKey(), variable.getValue());
		}
		assertThat(filled).as("a variable the test does not know").doesNotContain("$");
		return filled;
	}

}
