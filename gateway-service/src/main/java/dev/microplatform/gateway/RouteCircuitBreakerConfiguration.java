package dev.microplatform.gateway;

import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The routes' circuit breakers (Resilience4j through Spring Cloud CircuitBreaker, configured by the
 * platform's {@code resilience4j.circuitbreaker.configs.default}) count only what is a backend's
 * failure: an error a client caused ({@link ClientFault}) passes through uncounted.
 */
@Configuration(proxyBeanMethods = false)
class RouteCircuitBreakerConfiguration {

	/** The breakers Spring Cloud makes per route take the default configuration, customized here. */
	static final String DEFAULT_CONFIG = "default";

	@Bean
	CircuitBreakerConfigCustomizer routeBreakersCountBackendFailuresOnly() {
		return CircuitBreakerConfigCustomizer.of(DEFAULT_CONFIG,
				(builder) -> builder.recordException(ClientFault::isBackendFailure));
	}

}
