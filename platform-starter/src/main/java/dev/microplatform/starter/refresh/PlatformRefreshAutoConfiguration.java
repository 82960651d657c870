package dev.microplatform.starter.refresh;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration.RefreshProperties;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.annotation.Bean;

/**
 * A configuration change rebinds only the {@code @ConfigurationProperties} beans it concerns
 * ({@link SelectiveConfigurationPropertiesRebinder}); {@code platform.refresh.selective-rebinding=false}
 * goes back to Spring Cloud's rebinding of every bean.
 */
@AutoConfiguration(before = ConfigurationPropertiesRebinderAutoConfiguration.class)
@ConditionalOnClass(ConfigurationPropertiesRebinder.class)
@ConditionalOnBooleanProperty(name = "platform.refresh.selective-rebinding", matchIfMissing = true)
public class PlatformRefreshAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	ConfigurationPropertiesRebinder configurationPropertiesRebinder(ConfigurationPropertiesBeans beans,
			ObjectProvider<RefreshProperties> refreshProperties) {
		return new SelectiveConfigurationPropertiesRebinder(beans, refreshProperties.getIfAvailable(RefreshProperties::new));
	}

}
