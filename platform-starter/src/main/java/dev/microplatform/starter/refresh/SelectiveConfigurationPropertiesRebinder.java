package dev.microplatform.starter.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.BeansException;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration.RefreshProperties;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Rebinds only the {@code @ConfigurationProperties} beans that a configuration change concerns.
 * <p>
 * Spring Cloud's rebinder resets and binds every such bean again on every change: about a hundred
 * in a service with the starter, half of the CPU a refresh costs, on every instance at once. This
 * one rebinds a bean when a changed key lies under its prefix (or is its prefix or above it). A
 * bean can also depend on a key outside its prefix through a placeholder ({@code ${...}}), so when
 * any property in the environment refers to a changed key, every bean is rebound, as Spring Cloud
 * would. Events from elsewhere (a parent context) are left to Spring Cloud's rules.
 */
public class SelectiveConfigurationPropertiesRebinder extends ConfigurationPropertiesRebinder {

	private final ConfigurationPropertiesBeans beans;

	/** Each bean's prefix; empty for a bean that binds from the root. Prefixes do not change. */
	private final Map<String, Optional<ConfigurationPropertyName>> prefixes = new ConcurrentHashMap<>();

	private ApplicationContext context;

	public SelectiveConfigurationPropertiesRebinder(ConfigurationPropertiesBeans beans,
			RefreshProperties refreshProperties) {
		super(beans, refreshProperties);
		this.beans = beans;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) throws BeansException {
		super.setApplicationContext(context);
		this.context = context;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (!this.context.equals(event.getSource())) {
			super.onApplicationEvent(event);
			return;
		}
		List<ConfigurationPropertyName> changed = names(event.getKeys());
		if (changed == null || referencedByPlaceholder(changed)) {
			rebind();
			return;
		}
		for (String bean : this.beans.getBeanNames()) {
			Optional<ConfigurationPropertyName> prefix = prefix(bean);
			if (prefix.isEmpty() || changed.stream().anyMatch(key -> related(prefix.get(), key))) {
				rebind(bean);
			}
		}
	}

	/** The changed keys as property names, or {@code null} when one of them is not a valid name. */
	private static List<ConfigurationPropertyName> names(Set<String> keys) {
		List<ConfigurationPropertyName> names = new ArrayList<>(keys.size());
		for (String key : keys) {
			ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
			if (name.isEmpty()) {
				return null;
			}
			names.add(name);
		}
		return names;
	}

	private Optional<ConfigurationPropertyName> prefix(String bean) {
		return this.prefixes.computeIfAbsent(bean, name -> {
			ConfigurationPropertiesBean properties = ConfigurationPropertiesBean.get(this.context,
					this.context.getBean(name), name);
			String prefix = (properties != null) ? properties.getAnnotation().prefix() : "";
			return prefix.isEmpty() ? Optional.empty() : Optional.of(ConfigurationPropertyName.of(prefix));
		});
	}

	private static boolean related(ConfigurationPropertyName prefix, ConfigurationPropertyName key) {
		return prefix.equals(key) || prefix.isAncestorOf(key) || key.isAncestorOf(prefix);
	}

	private boolean referencedByPlaceholder(List<ConfigurationPropertyName> changed) {
		ConfigurableEnvironment environment = (ConfigurableEnvironment) this.context.getEnvironment();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (enumerable.getProperty(name) instanceof String value
							&& refersToAny(value, changed)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Whether one of a value's placeholders, nested ones and those in defaults included, refers to
	 * one of the names. A placeholder whose name is itself computed ({@code ${${other}}}) might
	 * refer to any of them.
	 */
	static boolean refersToAny(String value, List<ConfigurationPropertyName> names) {
		int start = value.indexOf("${");
		while (start >= 0) {
			int from = start + 2;
			int end = from;
			while (end < value.length() && "}:$".indexOf(value.charAt(end)) < 0) {
				end++;
			}
			ConfigurationPropertyName reference = ConfigurationPropertyName.adapt(value.substring(from, end).trim(),
					'.');
			if (reference.isEmpty() || names.stream().anyMatch(name -> related(reference, name))) {
				return true;
			}
			start = value.indexOf("${", from);
		}
		return false;
	}

}
