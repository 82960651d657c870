package dev.microplatform.starter.discovery;

import dev.microplatform.starter.condition.ConditionalOnPlatformFeature;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Consul registration as the platform wants it: Spring Cloud Consul does the registering, health
 * check and deregistration (configured through the platform defaults); this adds the instance's
 * version and zone, and where its metrics are, to the registration metadata.
 */
@AutoConfiguration(before = ConsulAutoServiceRegistrationAutoConfiguration.class)
@ConditionalOnClass(ConsulRegistrationCustomizer.class)
@ConditionalOnPlatformFeature(PlatformDiscoveryProperties.PREFIX)
@EnableConfigurationProperties(PlatformDiscoveryProperties.class)
public class PlatformDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PlatformRegistrationMetadataCustomizer platformRegistrationMetadataCustomizer(
			PlatformDiscoveryProperties properties, Environment environment) {
		return new PlatformRegistrationMetadataCustomizer(properties,
				PlatformRegistrationMetadataCustomizer.Actuator.of(environment));
	}

}
