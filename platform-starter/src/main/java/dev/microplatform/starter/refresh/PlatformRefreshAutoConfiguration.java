package dev.microplatform.starter.refresh;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration.RefreshProperties;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/**
 * A configuration change rebinds only the {@code @ConfigurationProperties} beans it concerns
 * ({@link SelectiveConfigurationPropertiesRebinder}); {@code platform.refresh.selective-rebinding=false}
 * goes back to Spring Cloud's rebinding of every bean. Once the application has started, a refresh
 * looks up each classpath location once ({@link ClasspathCachingResourceLoader});
 * {@code platform.refresh.cached-classpath-lookups=false} turns that off.
 */
@AutoConfiguration(before = ConfigurationPropertiesRebinderAutoConfiguration.class)
@ConditionalOnClass(ConfigurationPropertiesRebinder.class)
public class PlatformRefreshAutoConfiguration {

	/**
	 * Spring Cloud's refresh resolves the configuration with the application's resource loader,
	 * read at every refresh: set once the application is ready, it serves the refreshes only.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "platform.refresh.cached-classpath-lookups", matchIfMissing = true)
	static ApplicationListener<ApplicationReadyEvent> classpathCachingRefreshes() {
		return (event) -> {
			SpringApplication application = event.getSpringApplication();
			if (application.getResourceLoader() == null) {
				application.setResourceLoader(new ClasspathCachingResourceLoader(application.getClassLoader()));
			}
		};
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "platform.refresh.selective-rebinding", matchIfMissing = true)
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	ConfigurationPropertiesRebinder configurationPropertiesRebinder(ConfigurationPropertiesBeans beans,
			ObjectProvider<RefreshProperties> refreshProperties) {
		return new SelectiveConfigurationPropertiesRebinder(beans, refreshProperties.getIfAvailable(RefreshProperties::new));
	}

}
