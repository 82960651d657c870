package dev.microplatform.starter.tracing;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Keeps the actuator's own requests (Consul's health check every 2 s, Prometheus' scrape every 5 s)
 * out of traces, so that Zipkin shows what API consumers and services did, not the platform
 * watching itself. Spring Boot has no switch for this yet (spring-boot#34801).
 */
@AutoConfiguration
@ConditionalOnClass(ObservationPredicate.class)
@ConditionalOnProperty(prefix = "platform.tracing", name = "skip-actuator", matchIfMissing = true)
public class PlatformTracingAutoConfiguration {

	static String actuatorPath(Environment environment) {
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		return basePath.endsWith("/") ? basePath : basePath + "/";
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(org.springframework.http.server.observation.ServerRequestObservationContext.class)
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "actuatorRequestsObservationPredicate")
		ObservationPredicate actuatorRequestsObservationPredicate(Environment environment) {
			String actuator = actuatorPath(environment);
			return (name, context) -> !(context instanceof org.springframework.http.server.observation.ServerRequestObservationContext request
					&& request.getCarrier().getRequestURI().startsWith(actuator));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(org.springframework.http.server.reactive.observation.ServerRequestObservationContext.class)
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "actuatorRequestsObservationPredicate")
		ObservationPredicate actuatorRequestsObservationPredicate(Environment environment) {
			String actuator = actuatorPath(environment);
			return (name, context) -> !(context instanceof org.springframework.http.server.reactive.observation.ServerRequestObservationContext request
					&& request.getCarrier().getPath().value().startsWith(actuator));
		}

	}

}
