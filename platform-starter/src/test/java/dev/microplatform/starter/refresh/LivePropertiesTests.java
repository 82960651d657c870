package dev.microplatform.starter.refresh;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.microplatform.starter.inbound.PlatformInboundProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LiveProperties}: a configuration change swaps in a new instance bound from the environment;
 * the instance readers hold is never changed under them, and invalid settings are not swapped in.
 */
class LivePropertiesTests {

	private final Map<String, Object> settings = new HashMap<>(Map.of(
			"platform.inbound.rate-limits.greetings.path", "/greetings",
			"platform.inbound.rate-limits.greetings.limit", "5",
			"platform.inbound.degraded", "greetings"));

	private final StandardEnvironment environment = environmentWith(this.settings);

	private final PlatformInboundProperties initial = bound();

	private final LiveProperties<PlatformInboundProperties> live = new LiveProperties<>(this.environment,
			PlatformInboundProperties.PREFIX, PlatformInboundProperties.class, this.initial,
			new PlatformInboundProperties());

	private static StandardEnvironment environmentWith(Map<String, Object> settings) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("config-service", settings));
		return environment;
	}

	private PlatformInboundProperties bound() {
		return Binder.get(this.environment)
			.bindOrCreate(PlatformInboundProperties.PREFIX, PlatformInboundProperties.class);
	}

	private void changed(String key, String value) {
		this.settings.put(key, value);
		this.live.onApplicationEvent(new EnvironmentChangeEvent(Set.of(key)));
	}

	@Test
	void startsWithTheInitialSettings() {
		assertThat(this.live.get()).isSameAs(this.initial);
	}

	@Test
	void aChangeSwapsInANewInstanceAndLeavesTheOldOneAsItWas() {
		changed("platform.inbound.rate-limits.greetings.limit", "50");

		assertThat(this.live.get()).isNotSameAs(this.initial);
		assertThat(this.live.get().getRateLimits().get("greetings").getLimit()).isEqualTo(50);
		assertThat(this.live.get().getDegraded()).containsExactly("greetings");
		assertThat(this.initial.getRateLimits().get("greetings").getLimit()).isEqualTo(5);
	}

	@Test
	void aRemovedPropertyIsGoneFromTheNewInstance() {
		this.settings.remove("platform.inbound.degraded");
		this.live.onApplicationEvent(new EnvironmentChangeEvent(Set.of("platform.inbound.degraded")));

		assertThat(this.live.get().getDegraded()).isEmpty();
		assertThat(this.live.get().getRateLimits()).containsKey("greetings");
	}

	@Test
	void invalidSettingsLeaveThePreviousInstanceInPlace() {
		changed("platform.inbound.rate-limits.greetings.limit", "0");

		assertThat(this.live.get()).isSameAs(this.initial);
	}

	@Test
	void settingsThatDoNotBindLeaveThePreviousInstanceInPlace() {
		changed("platform.inbound.rate-limits.greetings.period", "soon");

		assertThat(this.live.get()).isSameAs(this.initial);
	}

}
