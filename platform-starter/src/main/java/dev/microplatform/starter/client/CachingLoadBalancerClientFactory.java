package dev.microplatform.starter.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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

	private final Map<BeansOfType, Map<String, ?>> beans = new ConcurrentHashMap<>();

	public CachingLoadBalancerClientFactory(LoadBalancerClientsProperties properties) {
		super(properties);
	}

	@Override
	public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
		return lookUpOnce(this.balancers, serviceId, super::getInstance);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Map<String, T> getInstances(String name, Class<T> type) {
		return (Map<String, T>) lookUpOnce(this.beans, new BeansOfType(name, type), (key) -> {
			Map<String, T> found = super.getInstances(name, type);
			return (found != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(found)) : null;
		});
	}

	/**
	 * The cached answer, or the lookup's, kept unless it is null (nothing yet: ask again next time).
	 * Not {@code computeIfAbsent}: the first lookup of a service creates its child context, which
	 * must not run under the map's lock.
	 */
	private static <K, V> V lookUpOnce(Map<K, V> cache, K key, Function<K, V> lookup) {
		V value = cache.get(key);
		if (value == null) {
			value = lookup.apply(key);
			if (value != null) {
				cache.putIfAbsent(key, value);
			}
		}
		return value;
	}

	@Override
	public void destroy() {
		this.balancers.clear();
		this.beans.clear();
		super.destroy();
	}

	private record BeansOfType(String name, Class<?> type) {
	}

}
