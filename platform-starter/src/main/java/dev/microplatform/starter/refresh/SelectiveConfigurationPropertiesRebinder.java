package dev.microplatform.starter.refresh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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
import org.springframework.util.PropertyPlaceholderHelper;
import org.springframework.util.SystemPropertyUtils;

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

	private static final PropertyPlaceholderHelper PLACEHOLDERS = new PropertyPlaceholderHelper(
			SystemPropertyUtils.PLACEHOLDER_PREFIX, SystemPropertyUtils.PLACEHOLDER_SUFFIX,
			SystemPropertyUtils.VALUE_SEPARATOR, SystemPropertyUtils.ESCAPE_CHARACTER, true);

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
					if (enumerable.getProperty(name) instanceof String value && refersToAny(value, changed)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Whether one of a value's placeholders, nested ones and those in defaults included, refers to
	 * one of the names. Spring's own parser finds them: every name it asks for is checked, and none
	 * is resolved. A placeholder whose name is itself computed ({@code ${${other}}}) might refer to
	 * any of them.
	 */
	static boolean refersToAny(String value, List<ConfigurationPropertyName> names) {
		if (!value.contains(SystemPropertyUtils.PLACEHOLDER_PREFIX)) {
			return false;
		}
		AtomicBoolean refers = new AtomicBoolean();
		PLACEHOLDERS.replacePlaceholders(value, (placeholder) -> {
			ConfigurationPropertyName reference = ConfigurationPropertyName.adapt(placeholder, '.');
			if (placeholder.contains(SystemPropertyUtils.PLACEHOLDER_PREFIX) || reference.isEmpty()
					|| names.stream().anyMatch((name) -> related(reference, name))) {
				refers.set(true);
			}
			return null;
		});
		return refers.get();
	}

}
