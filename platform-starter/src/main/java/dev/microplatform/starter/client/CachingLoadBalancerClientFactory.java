package dev.microplatform.starter.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

/**
 * Spring Cloud's factory of per-service load balancers, resolving each service's balancer and each
 * type of its beans once. Spring Cloud looks them up in the service's child context on every call:
 * the balancer once and the {@code LoadBalancerLifecycle} beans three times per request. Those are
 * singletons of a context that lives as long as this factory, so the first answer stays right.
 */
public class CachingLoadBalancerClientFactory extends LoadBalancerClientFactory {

	private final Map<String, ReactiveLoadBalancer<ServiceInstance>> balancers = new ConcurrentHashMap<>();

	private final Map<String, Map<Class<?>, Map<String, ?>>> instances = new ConcurrentHashMap<>();

	public CachingLoadBalancerClientFactory(LoadBalancerClientsProperties properties) {
		super(properties);
	}

	@Override
	public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
		ReactiveLoadBalancer<ServiceInstance> balancer = this.balancers.get(serviceId);
		if (balancer == null) {
			balancer = super.getInstance(serviceId);
			if (balancer != null) { // none yet: ask again next time
				this.balancers.putIfAbsent(serviceId, balancer);
			}
		}
		return balancer;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Map<String, T> getInstances(String name, Class<T> type) {
		Map<Class<?>, Map<String, ?>> byType = this.instances.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>());
		Map<String, ?> found = byType.get(type);
		if (found == null) {
			Map<String, T> fresh = super.getInstances(name, type);
			if (fresh == null) {
				return null;
			}
			found = Collections.unmodifiableMap(new LinkedHashMap<>(fresh));
			byType.putIfAbsent(type, found);
		}
		return (Map<String, T>) found;
	}

	@Override
	public void destroy() {
		this.balancers.clear();
		this.instances.clear();
		super.destroy();
	}

}
