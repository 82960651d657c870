package dev.microplatform.starter.refresh;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class SelectiveConfigurationPropertiesRebinderTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformRefreshAutoConfiguration.class, RefreshAutoConfiguration.class,
				ConfigurationPropertiesRebinderAutoConfiguration.class))
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void replacesSpringCloudsRebinder() {
		this.contextRunner.run((context) -> assertThat(context).getBean(ConfigurationPropertiesRebinder.class)
			.isInstanceOf(SelectiveConfigurationPropertiesRebinder.class));
	}

	@Test
	void canBeSwitchedBackToSpringCloudsRebinder() {
		this.contextRunner.withPropertyValues("platform.refresh.selective-rebinding=false")
			.run((context) -> assertThat(context).getBean(ConfigurationPropertiesRebinder.class)
				.isNotInstanceOf(SelectiveConfigurationPropertiesRebinder.class));
	}

	@Test
	void rebindsTheBeansUnderAChangedKeyAndNoOthers() {
		this.contextRunner.run((context) -> {
			Map<String, Object> repository = repository(context, Map.of("alpha.text", "a1", "beta.text", "b1"));
			repository.put("alpha.text", "a2");
			repository.put("beta.text", "b2");
			change(context, "alpha.text");
			assertThat(context.getBean(AlphaProperties.class).getText()).isEqualTo("a2");
			// beta.text changed too, but the event did not say so: proof that beta was left alone
			assertThat(context.getBean(BetaProperties.class).getText()).isEqualTo("b1");
		});
	}

	@Test
	void matchesKeysInTheirRelaxedForms() {
		this.contextRunner.run((context) -> {
			Map<String, Object> repository = repository(context, Map.of("alpha.longer-text", "a1"));
			repository.put("alpha.longer-text", "a2");
			change(context, "alpha.longerText");
			assertThat(context.getBean(AlphaProperties.class).getLongerText()).isEqualTo("a2");
		});
	}

	@Test
	void aRemovedKeyGoesBackToItsDefault() {
		this.contextRunner.run((context) -> {
			Map<String, Object> repository = repository(context, Map.of("alpha.text", "a1"));
			repository.remove("alpha.text");
			change(context, "alpha.text");
			assertThat(context.getBean(AlphaProperties.class).getText()).isEqualTo("alpha's default");
		});
	}

	@Test
	void aKeyAboveAPrefixRebindsTheBean() {
		this.contextRunner.run((context) -> {
			Map<String, Object> repository = repository(context, Map.of("nested.inner.text", "n1"));
			repository.put("nested.inner.text", "n2");
			change(context, "nested");
			assertThat(context.getBean(NestedProperties.class).getText()).isEqualTo("n2");
		});
	}

	@Test
	void rebindsEveryBeanWhenAPlaceholderRefersToAChangedKey() {
		this.contextRunner.run((context) -> {
			Map<String, Object> repository = repository(context,
					Map.of("shared.text", "s1", "beta.text", "${shared.text}"));
			repository.put("shared.text", "s2");
			change(context, "shared.text");
			assertThat(context.getBean(BetaProperties.class).getText()).isEqualTo("s2");
		});
	}

	@Test
	void findsTheNamesPlaceholdersReferTo() {
		List<ConfigurationPropertyName> names = List.of(ConfigurationPropertyName.of("greeter.template"));
		assertThat(SelectiveConfigurationPropertiesRebinder.refersToAny("${greeter.template}", names)).isTrue();
		assertThat(SelectiveConfigurationPropertiesRebinder.refersToAny("x-${other:${greeter.template}}", names))
			.isTrue();
		assertThat(SelectiveConfigurationPropertiesRebinder.refersToAny("${greeter}", names)).isTrue();
		assertThat(SelectiveConfigurationPropertiesRebinder.refersToAny("${${which}}", names)).isTrue();
		assertThat(SelectiveConfigurationPropertiesRebinder.refersToAny("${greeter.other:template}", names)).isFalse();
		assertThat(SelectiveConfigurationPropertiesRebinder.refersToAny("greeter.template", names)).isFalse();
	}

	private static Map<String, Object> repository(AssertableApplicationContext context, Map<String, Object> initial) {
		Map<String, Object> values = new HashMap<>(initial);
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("repository", values));
		// bound once with the repository's first values, as at start-up
		context.getBean(ConfigurationPropertiesRebinder.class).rebind();
		return values;
	}

	private static void change(AssertableApplicationContext context, String... keys) {
		context.publishEvent(new EnvironmentChangeEvent(context.getSourceApplicationContext(), Set.of(keys)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ AlphaProperties.class, BetaProperties.class, NestedProperties.class })
	static class PropertiesConfiguration {

	}

	@ConfigurationProperties("alpha")
	static class AlphaProperties {

		private String text = "alpha's default";

		private String longerText;

		public String getText() {
			return this.text;
		}

		public void setText(String text) {
			this.text = text;
		}

		public String getLongerText() {
			return this.longerText;
		}

		public void setLongerText(String longerText) {
			this.longerText = longerText;
		}

	}

	@ConfigurationProperties("beta")
	static class BetaProperties {

		private String text;

		public String getText() {
			return this.text;
		}

		public void setText(String text) {
			this.text = text;
		}

	}

	@ConfigurationProperties("nested.inner")
	static class NestedProperties {

		private String text;

		public String getText() {
			return this.text;
		}

		public void setText(String text) {
			this.text = text;
		}

	}

}
