package dev.microplatform.starter.client;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The load balancer of every target service, in the target's own child context (Spring Cloud
 * LoadBalancer's {@code defaultConfiguration}; deliberately not a {@code @Configuration}, so no
 * component scan picks it up): Consul's passing instances, cached, minus ejected outliers, minus the
 * instance a retry just failed on, chosen by the target's strategy.
 */
class PlatformLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServiceInstanceListSupplier platformServiceInstanceListSupplier(ConfigurableApplicationContext context,
			ServiceTargets targets) {
		return ServiceInstanceListSupplier.builder()
			.withBlockingDiscoveryClient()
			.withCaching()
			.with((ctx, delegate) -> new OutlierEjectingServiceInstanceListSupplier(delegate, targets))
			.with((ctx, delegate) -> new PreviousInstanceAvoidingServiceInstanceListSupplier(delegate))
			.withRetryAwareness()
			.build(context);
	}

	@Bean
	@ConditionalOnMissingBean
	ReactorLoadBalancer<ServiceInstance> platformLoadBalancer(Environment environment,
			LoadBalancerClientFactory clientFactory, ServiceTargets targets) {
		String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
		var suppliers = clientFactory.getLazyProvider(serviceId, ServiceInstanceListSupplier.class);
		ServiceTarget target = targets.get(serviceId);
		return switch (target.settings().getLoadBalancer()) {
			case ROUND_ROBIN -> new RoundRobinLoadBalancer(suppliers, serviceId);
			case RANDOM -> new RandomLoadBalancer(suppliers, serviceId);
			case PEAK_EWMA -> new PeakEwmaLoadBalancer(suppliers, target);
		};
	}

}
