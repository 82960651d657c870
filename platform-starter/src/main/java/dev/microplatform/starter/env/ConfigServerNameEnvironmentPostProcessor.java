package dev.microplatform.starter.env;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

/**
 * Makes a configuration refresh fetch from config-service once, not twice.
 * <p>
 * The import of config-service comes from the platform's defaults, so Boot resolves it before the
 * service's {@code application.yml} names the application: the config client first fetches
 * {@code application}, then, once the name is known, the service's own configuration. A refresh
 * loads config data again from the same starting point, so every refresh of every instance would
 * cost config-service two requests. Once config data is loaded, this keeps the application's name
 * in the defaults as {@code spring.cloud.config.name}; a refresh starts from the defaults, knows
 * the name at once, and the client's two resolutions become one fetch. A service that sets
 * {@code spring.cloud.config.name} itself keeps its own.
 */
public class ConfigServerNameEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String CONFIG_NAME = "spring.cloud.config.name";

	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String name = environment.getProperty("spring.application.name");
		if (StringUtils.hasText(name) && !environment.containsProperty(CONFIG_NAME)) {
			DefaultPropertiesPropertySource.addOrMerge(Map.of(CONFIG_NAME, name), environment.getPropertySources());
		}
	}

}
