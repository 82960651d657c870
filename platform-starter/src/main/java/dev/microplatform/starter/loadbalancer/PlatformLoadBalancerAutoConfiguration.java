package dev.microplatform.starter.loadbalancer;

import dev.microplatform.starter.condition.ConditionalOnPlatformFeature;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Load-balanced client builders for calling services by name ({@code http://greeter-service/...}).
 * <p>
 * Each builder is configured like Spring Boot's own (so it is observed, traced and uses the
 * configured HTTP client) and is marked {@link LoadBalanced}, so Spring Cloud LoadBalancer resolves
 * the service name against the instances Consul reports as passing. The builders are not default
 * candidates: a plain {@code RestClient.Builder} injection point still gets Boot's builder for
 * calls to ordinary URLs; ask for these with {@code @LoadBalanced}.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnClass(LoadBalanced.class)
@ConditionalOnPlatformFeature(PlatformLoadBalancerProperties.PREFIX)
@EnableConfigurationProperties(PlatformLoadBalancerProperties.class)
public class PlatformLoadBalancerAutoConfiguration {

	/** Bean name of the load-balanced {@link RestClient.Builder}. */
	public static final String REST_CLIENT_BUILDER = "loadBalancedRestClientBuilder";

	/** Bean name of the load-balanced {@link WebClient.Builder}. */
	public static final String WEB_CLIENT_BUILDER = "loadBalancedWebClientBuilder";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientAutoConfiguration.class })
	static class LoadBalancedRestClientConfiguration {

		@Bean(name = REST_CLIENT_BUILDER, defaultCandidate = false)
		@LoadBalanced
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		@ConditionalOnMissingBean(name = REST_CLIENT_BUILDER)
		RestClient.Builder loadBalancedRestClientBuilder(ObjectProvider<RestClientBuilderConfigurer> configurer,
				ObjectProvider<CircuitBreakerFactory<?, ?>> circuitBreakers) {
			RestClient.Builder builder = RestClient.builder();
			configurer.ifAvailable((bootConfigurer) -> bootConfigurer.configure(builder));
			// The same per-target circuit breaker as HTTP service clients get from Spring Cloud.
			circuitBreakers.ifAvailable((factory) -> builder.requestInterceptor(new CircuitBreakingInterceptor(factory)));
			return builder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClient.class, WebClientAutoConfiguration.class })
	static class LoadBalancedWebClientConfiguration {

		@Bean(name = WEB_CLIENT_BUILDER, defaultCandidate = false)
		@LoadBalanced
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		@ConditionalOnMissingBean(name = WEB_CLIENT_BUILDER)
		WebClient.Builder loadBalancedWebClientBuilder(ObjectProvider<WebClientCustomizer> customizers) {
			WebClient.Builder builder = WebClient.builder();
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return builder;
		}

	}

}
