package dev.microplatform.starter.client;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Leaves out the instances the target's {@link dev.microplatform.starter.loadbalancer.OutlierDetector}
 * has ejected. Sits on top of the cached instance list, so an ejection takes effect on the next call,
 * not when the cache expires.
 */
public class OutlierEjectingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	private final ServiceTarget target;

	public OutlierEjectingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate, ServiceTargets targets) {
		super(delegate);
		this.target = targets.get(delegate.getServiceId());
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.delegate.get().map(this::withoutEjected);
	}

	@Override
	public Flux<List<ServiceInstance>> get(Request request) {
		return this.delegate.get(request).map(this::withoutEjected);
	}

	private List<ServiceInstance> withoutEjected(List<ServiceInstance> instances) {
		return this.target.outliers().filter(instances, ServiceTarget::keyOf);
	}

}
