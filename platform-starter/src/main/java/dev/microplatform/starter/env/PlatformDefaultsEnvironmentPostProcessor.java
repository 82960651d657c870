package dev.microplatform.starter.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.ClassUtils;

/**
 * Adds the platform's defaults for Spring's own keys at the lowest precedence, so that every
 * service gets them without copying them into its YAML, and any service can still override them.
 * <p>
 * Runs before config data is loaded, because it also supplies the import of the config service
 * (found through Consul) and a per-process suffix that makes instance ids unique on one host.
 */
public class PlatformDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source holding the defaults. */
	public static final String PROPERTY_SOURCE_NAME = "platformDefaults";

	static final String CONFIG_IMPORT = "optional:configserver:";

	private static final String CONFIG_SERVER_CLASS = "org.springframework.cloud.config.server.EnableConfigServer";

	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER - 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Properties defaults = loadDefaults();
		Map<String, Object> generated = new HashMap<>();
		generated.put("platform.instance-suffix", HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
		// The config server does not import its configuration from itself.
		if (!ClassUtils.isPresent(CONFIG_SERVER_CLASS, application.getClassLoader())) {
			generated.put("spring.config.import", CONFIG_IMPORT);
		}
		environment.getPropertySources().addLast(new PropertiesPropertySource(PROPERTY_SOURCE_NAME, defaults));
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME + "Generated", generated));
	}

	private static Properties loadDefaults() {
		try {
			return PropertiesLoaderUtils.loadProperties(new ClassPathResource("platform-defaults.properties",
					PlatformDefaultsEnvironmentPostProcessor.class.getClassLoader()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("platform-defaults.properties is missing from platform-starter", ex);
		}
	}

}
