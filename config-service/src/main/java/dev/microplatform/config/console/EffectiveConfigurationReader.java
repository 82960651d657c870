package dev.microplatform.config.console;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.cloud.config.environment.Environment;
import org.springframework.cloud.config.environment.PropertySource;
import org.springframework.cloud.config.server.environment.EnvironmentRepository;
import org.springframework.util.StringUtils;

import dev.microplatform.config.console.ConsoleViews.EffectiveConfiguration;
import dev.microplatform.config.console.ConsoleViews.Property;

/**
 * What an application gets for a profile, read through Config Server's own
 * {@link EnvironmentRepository} ({@code findOne(application, profile, label)}), so the console shows exactly what clients are served (same
 * precedence, same files) but for one thing: the repository gives {@code {cipher}} values as
 * stored (Config Server decrypts only in its controller, for clients), and the console masks them
 * and every value of a key that names a secret.
 */
final class EffectiveConfigurationReader {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.,-]*");

	private final EnvironmentRepository environments;

	EffectiveConfigurationReader(EnvironmentRepository environments) {
		this.environments = environments;
	}

	EffectiveConfiguration read(String application, String profile, String label) {
		check("application", application);
		check("profile", profile);
		if (StringUtils.hasText(label)) {
			check("label", label);
		}
		Environment environment = this.environments.findOne(application, profile,
				StringUtils.hasText(label) ? label : null);
		List<Property> properties = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (PropertySource source : environment.getPropertySources()) {
			String file = StringUtils.getFilename(source.getName());
			for (Map.Entry<?, ?> entry : source.getSource().entrySet()) {
				String key = String.valueOf(entry.getKey());
				Object masked = SecretMask.mask(key, entry.getValue());
				boolean hidden = masked != entry.getValue() && entry.getValue() != null;
				properties.add(new Property(key, masked, hidden, file, source.getName(), !seen.add(key)));
			}
		}
		return new EffectiveConfiguration(application, profile, environment.getLabel(), environment.getVersion(),
				properties);
	}

	/** Names in the repository's terms only: no path traversal through the console either. */
	private static void check(String field, String value) {
		if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
			throw ConsoleProblemException.invalidField(field, "'" + value + "' is not a valid " + field);
		}
	}

}
