package dev.microplatform.starter.client;

import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.util.function.SingletonSupplier;

/**
 * Power of two choices over peak-EWMA latency: of two random instances, the one with the lower
 * latency times requests in flight. Latencies are fed by {@link CallOutcomeRecorder}.
 */
public class PeakEwmaLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private final SingletonSupplier<ServiceInstanceListSupplier> supplier;

	private final ServiceTarget target;

	public PeakEwmaLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> suppliers, ServiceTarget target) {
		// A singleton of the target's context: looked up once it exists, not on every call
		this.supplier = SingletonSupplier.of(suppliers::getIfAvailable);
		this.target = target;
	}

	@Override
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ServiceInstanceListSupplier supplier = Objects.requireNonNullElseGet(this.supplier.get(),
				NoopServiceInstanceListSupplier::new);
		return supplier.get(request).next().map((instances) -> {
			Response<ServiceInstance> response = choose(instances);
			if (supplier instanceof SelectedInstanceCallback callback && response.hasServer()) {
				callback.selectedServiceInstance(response.getServer());
			}
			return response;
		});
	}

	private Response<ServiceInstance> choose(List<ServiceInstance> instances) {
		ServiceInstance chosen = this.target.latency().choose(instances, ServiceTarget::keyOf);
		return (chosen != null) ? new DefaultResponse(chosen) : new EmptyResponse();
	}

}
