package dev.microplatform.starter.inbound;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DegradationSwitch}.
 */
class DegradationSwitchTests {

	private final PlatformInboundProperties properties = new PlatformInboundProperties();

	private final DegradationSwitch degradation = new DegradationSwitch(() -> this.properties);

	@Test
	void nothingIsDegradedByDefault() {
		assertThat(this.degradation.isDegraded("greetings")).isFalse();
		assertThat(this.degradation.degradedEndpoints()).isEmpty();
	}

	@Test
	void followsTheDegradedSetAsItChanges() {
		this.properties.setDegraded(Set.of("greetings", "search"));
		assertThat(this.degradation.isDegraded("greetings")).isTrue();
		assertThat(this.degradation.isDegraded("search")).isTrue();
		assertThat(this.degradation.isDegraded("orders")).isFalse();
		this.properties.setDegraded(Set.of("search"));
		assertThat(this.degradation.isDegraded("greetings")).isFalse();
		assertThat(this.degradation.isDegraded("search")).isTrue();
	}

	@Test
	void rebindingTheSamePropertiesSwitchesWithoutANewSwitch() {
		rebind(Map.of("platform.inbound.degraded", "greetings"));
		assertThat(this.degradation.isDegraded("greetings")).isTrue();
		rebind(Map.of("platform.inbound.degraded", "greetings,search"));
		assertThat(this.degradation.degradedEndpoints()).containsExactlyInAnyOrder("greetings", "search");
		// An empty value restores every endpoint
		rebind(Map.of("platform.inbound.degraded", ""));
		assertThat(this.degradation.isDegraded("greetings")).isFalse();
		assertThat(this.degradation.degradedEndpoints()).isEmpty();
	}

	@Test
	void aConfigurationRefreshSwitchesTheEndpointWithoutARestart() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PlatformInboundAutoConfiguration.class,
					ConfigurationPropertiesRebinderAutoConfiguration.class))
			.run((context) -> {
				DegradationSwitch degradation = context.getBean(DegradationSwitch.class);
				assertThat(degradation.isDegraded("greetings")).isFalse();
				refresh(context.getSourceApplicationContext(), Map.of("platform.inbound.degraded", "greetings"));
				assertThat(degradation.isDegraded("greetings")).isTrue();
				refresh(context.getSourceApplicationContext(), Map.of("platform.inbound.degraded", ""));
				assertThat(degradation.isDegraded("greetings")).isFalse();
			});
	}

	private void rebind(Map<String, String> source) {
		new Binder(new MapConfigurationPropertySource(source)).bind(PlatformInboundProperties.PREFIX,
				Bindable.ofInstance(this.properties));
	}

	/**
	 * Does what Spring Cloud's refresh does once the config service answered: new values
	 * in the environment, then an event that rebinds the configuration properties.
	 */
	static void refresh(ConfigurableApplicationContext context, Map<String, Object> values) {
		context.getEnvironment().getPropertySources().remove("refreshed");
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("refreshed", values));
		context.publishEvent(new EnvironmentChangeEvent(context, values.keySet()));
	}

}
