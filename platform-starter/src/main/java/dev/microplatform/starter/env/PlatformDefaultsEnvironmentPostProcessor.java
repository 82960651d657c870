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
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
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

	static final String CONFIG_IMPORT = "optional:configserver:";

	/** The config server does not import its configuration from itself. */
	private static final boolean CONFIG_SERVER = ClassUtils.isPresent(
			"org.springframework.cloud.config.server.EnableConfigServer",
			PlatformDefaultsEnvironmentPostProcessor.class.getClassLoader());

	/**
	 * One per process: a configuration refresh runs this post-processor again, and a new suffix
	 * would change the instance id the running instance is registered under.
	 */
	private static final String INSTANCE_SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER - 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new HashMap<>();
		loadDefaults().forEach((key, value) -> defaults.put((String) key, value));
		defaults.put("platform.instance-suffix", INSTANCE_SUFFIX);
		if (!CONFIG_SERVER) {
			defaults.put("spring.config.import", CONFIG_IMPORT);
		}
		// Boot's own lowest-precedence source: config data (application.yml, the config service) is
		// inserted ahead of it, whereas a source merely added last would end up ahead of config data.
		DefaultPropertiesPropertySource.addOrMerge(defaults, environment.getPropertySources());
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
