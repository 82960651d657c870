package dev.microplatform.starter.env;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigServerNameEnvironmentPostProcessorTests {

	private final ConfigServerNameEnvironmentPostProcessor postProcessor = new ConfigServerNameEnvironmentPostProcessor();

	@Test
	void keepsTheApplicationsNameInTheDefaultsForTheNextRefresh() {
		StandardEnvironment environment = postProcessed(Map.of("spring.application.name", "orders"));
		assertThat(environment.getPropertySources().get(DefaultPropertiesPropertySource.NAME).getProperty(
				ConfigServerNameEnvironmentPostProcessor.CONFIG_NAME))
			.isEqualTo("orders");
	}

	@Test
	void leavesANameTheServiceChoseAlone() {
		StandardEnvironment environment = postProcessed(
				Map.of("spring.application.name", "orders", "spring.cloud.config.name", "orders,shared"));
		assertThat(environment.getProperty(ConfigServerNameEnvironmentPostProcessor.CONFIG_NAME))
			.isEqualTo("orders,shared");
		assertThat(environment.getPropertySources().contains(DefaultPropertiesPropertySource.NAME)).isFalse();
	}

	@Test
	void addsNothingWithoutAnApplicationName() {
		StandardEnvironment environment = postProcessed(Map.of());
		assertThat(environment.containsProperty(ConfigServerNameEnvironmentPostProcessor.CONFIG_NAME)).isFalse();
	}

	private StandardEnvironment postProcessed(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("application.yml", properties));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
