package dev.microplatform.starter.refresh;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration.RefreshProperties;
import org.springframework.cloud.bus.ConditionalOnBusEnabled;
import org.springframework.cloud.bus.jackson.BusJacksonAutoConfiguration;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.converter.AbstractMessageConverter;

/**
 * A configuration change rebinds only the {@code @ConfigurationProperties} beans it concerns
 * ({@link SelectiveConfigurationPropertiesRebinder}); {@code platform.refresh.selective-rebinding=false}
 * goes back to Spring Cloud's rebinding of every bean. Once the application has started, a refresh
 * looks up each classpath location once ({@link ClasspathCachingResourceLoader});
 * {@code platform.refresh.cached-classpath-lookups=false} turns that off. Bus events are read with
 * one mapper ({@link BusEventMessageConverter}).
 */
@AutoConfiguration(before = { ConfigurationPropertiesRebinderAutoConfiguration.class, BusJacksonAutoConfiguration.class })
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

	/**
	 * Takes the place of Spring Cloud Bus's converter, under its name, unless the application
	 * declares one or scans for its own events ({@code @RemoteApplicationEventScan} registers the bus's).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(BusJacksonAutoConfiguration.class)
	@ConditionalOnBusEnabled
	static class BusEventConverterConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "busJsonConverter")
		AbstractMessageConverter busJsonConverter(ObjectProvider<JsonMapper> jsonMapper) {
			return new BusEventMessageConverter(jsonMapper.getIfAvailable(JsonMapper::new));
		}

	}

}
