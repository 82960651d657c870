package dev.microplatform.starter.env;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformDefaultsEnvironmentPostProcessorTests {

	private final PlatformDefaultsEnvironmentPostProcessor postProcessor = new PlatformDefaultsEnvironmentPostProcessor();

	@Test
	void givesEveryServiceThePlatformDefaults() {
		StandardEnvironment environment = postProcessed(Map.of("spring.application.name", "orders"));
		assertThat(environment.getProperty("management.endpoints.web.exposure.include"))
			.isEqualTo("health,info,prometheus");
		assertThat(environment.getProperty("spring.cloud.consul.discovery.query-passing")).isEqualTo("true");
		assertThat(environment.getProperty("management.metrics.tags.application")).isEqualTo("orders");
		assertThat(environment.getProperty("spring.config.import")).isEqualTo("optional:configserver:");
		assertThat(environment.getProperty("spring.cloud.config.discovery.service-id")).isEqualTo("config-service");
		assertThat(environment.getProperty("spring.cloud.config.fail-fast")).isEqualTo("true");
		assertThat(environment.getProperty("spring.cloud.config.retry.max-attempts")).isEqualTo("8");
		assertThat(environment.getProperty("spring.mvc.publish-request-handled-events")).isEqualTo("false");
	}

	@Test
	void aConfigurationRefreshLeavesTheMetricsSettingsAlone() throws Exception {
		StandardEnvironment environment = postProcessed(Map.of("spring.application.name", "orders"));
		Set<String> neverRefreshable = StringUtils
			.commaDelimitedListToSet(environment.getProperty("spring.cloud.refresh.never-refreshable"));
		assertThat(neverRefreshable).contains(MetricsProperties.class.getName(), "com.zaxxer.hikari.HikariDataSource");
	}

	@Test
	void anyServiceSettingWinsOverADefault() {
		StandardEnvironment environment = postProcessed(Map.of("spring.application.name", "orders",
				"management.endpoints.web.exposure.include", "health"));
		assertThat(environment.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health");
	}

	@Test
	void instanceIdsHaveARandomSuffixKeptThroughRefreshesAndAreTaggedOnMetrics() {
		StandardEnvironment first = postProcessed(Map.of("spring.application.name", "orders"));
		// A configuration refresh post-processes a new environment: the instance keeps its id
		StandardEnvironment refreshed = postProcessed(Map.of("spring.application.name", "orders"));
		String firstId = first.getProperty("spring.cloud.consul.discovery.instance-id");
		assertThat(firstId).matches("orders-[0-9a-f]{8}");
		assertThat(refreshed.getProperty("spring.cloud.consul.discovery.instance-id")).isEqualTo(firstId);
		assertThat(first.getProperty("management.metrics.tags.instance")).isEqualTo(firstId);
		assertThat(first.getProperty("spring.cloud.bus.id")).isEqualTo("orders:default:" + firstId);
	}

	@Test
	void applicationYamlWinsOverADefault() {
		// A service's own application.yml is config data: Boot inserts it ahead of the default
		// properties whatever the order in which the sources were added.
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Object.class)
			.web(WebApplicationType.NONE)
			.properties("spring.config.name=platform-defaults-test", "spring.cloud.config.enabled=false",
					"spring.cloud.consul.enabled=false")
			.run();
		try {
			assertThat(context.getEnvironment().getProperty("management.endpoints.web.exposure.include"))
				.isEqualTo("health,info,prometheus,faults");
			assertThat(context.getEnvironment().getProperty("management.endpoint.health.probes.enabled"))
				.isEqualTo("true");
		}
		finally {
			context.close();
		}
	}

	@Test
	void runsBeforeConfigDataIsLoaded() {
		assertThat(this.postProcessor.getOrder())
			.isLessThan(org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor.ORDER);
	}

	private StandardEnvironment postProcessed(Map<String, Object> serviceProperties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("service", serviceProperties));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
