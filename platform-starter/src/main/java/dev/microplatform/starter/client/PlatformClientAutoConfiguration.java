package dev.microplatform.starter.client;

import java.util.List;

import dev.microplatform.starter.condition.ConditionalOnPlatformFeature;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.retry.support.RetryTemplate;

/**
 * Resilient calls to other services by name, on top of what Spring Cloud already wires for HTTP
 * service clients ({@code @ImportHttpServices} groups are load-balanced and circuit-broken per
 * target) and {@code @LoadBalanced} builders: a load-balancing strategy per target, passive outlier
 * ejection, and retries on another instance drawn from a per-target retry budget.
 */
@AutoConfiguration(before = { LoadBalancerAutoConfiguration.class, BlockingLoadBalancerClientAutoConfiguration.class })
@ConditionalOnClass({ LoadBalancerClientFactory.class, RetryTemplate.class })
@ConditionalOnPlatformFeature(PlatformClientProperties.PREFIX)
@EnableConfigurationProperties(PlatformClientProperties.class)
@LoadBalancerClients(defaultConfiguration = PlatformLoadBalancerClientConfiguration.class)
public class PlatformClientAutoConfiguration {

	/** Spring Cloud's factory, as {@code LoadBalancerAutoConfiguration} builds it, resolving beans once. */
	@Bean
	@ConditionalOnMissingBean
	LoadBalancerClientFactory loadBalancerClientFactory(LoadBalancerClientsProperties properties,
			ObjectProvider<List<LoadBalancerClientSpecification>> configurations) {
		LoadBalancerClientFactory factory = new CachingLoadBalancerClientFactory(properties);
		factory.setConfigurations(configurations.getIfAvailable(List::of));
		return factory;
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceTargets serviceTargets(Environment environment, ObjectProvider<MeterRegistry> meterRegistry) {
		return new ServiceTargets(environment, System::nanoTime, new ServiceTargetMetrics(meterRegistry));
	}

	/**
	 * Resilience4j names its circuit breakers and bulkheads after the target service; the
	 * {@code target} tag says so under the same name as the platform's own client metrics.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "resilience4jTargetTagMeterFilter")
	MeterFilter resilience4jTargetTagMeterFilter() {
		return new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				String name = id.getTag("name");
				if (name != null && id.getName().startsWith("resilience4j.") && id.getTag("target") == null) {
					return id.withTag(Tag.of("target", name));
				}
				return id;
			}

		};
	}

	@Bean
	@ConditionalOnMissingBean
	CallOutcomeRecorder callOutcomeRecorder(ServiceTargets targets) {
		return new CallOutcomeRecorder(targets, System::nanoTime);
	}

	@Bean
	@ConditionalOnMissingBean(LoadBalancedRetryFactory.class)
	BudgetedRetryFactory budgetedRetryFactory(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
			ServiceTargets targets) {
		return new BudgetedRetryFactory(loadBalancerFactory, targets);
	}

	/**
	 * Every RestClient, HTTP service client groups included, passes the deadline of the request
	 * being served on to the service it calls.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientCustomizer.class)
	static class DeadlinePropagationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DeadlinePropagatingInterceptor deadlinePropagatingInterceptor() {
			return new DeadlinePropagatingInterceptor();
		}

		@Bean
		@ConditionalOnMissingBean(name = "deadlinePropagatingRestClientCustomizer")
		RestClientCustomizer deadlinePropagatingRestClientCustomizer(DeadlinePropagatingInterceptor interceptor) {
			return (builder) -> builder.requestInterceptor(interceptor);
		}

		@Bean
		@ConditionalOnMissingBean
		DeadlineHeaderTransformer deadlineHeaderTransformer() {
			return new DeadlineHeaderTransformer();
		}

	}

	/**
	 * Apache HttpClient 5 (which Spring Boot prefers when present, and Spring Cloud Config's
	 * client brings) re-sends requests answered 503 on its own, POSTs included: such retries would
	 * bypass the retry budget, count twice against an instance and could duplicate writes. The
	 * platform's retries are the only ones.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpClientBuilder.class, HttpComponentsClientHttpRequestFactoryBuilder.class,
			ClientHttpRequestFactoryBuilderCustomizer.class })
	static class HttpComponentsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "noAutomaticRetriesHttpComponentsCustomizer")
		ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> noAutomaticRetriesHttpComponentsCustomizer() {
			return (builder) -> builder.withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries);
		}

	}

}
