package dev.microplatform.starter.client;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Leaves out the instance that the previous attempt of a request went to, when the request names it
 * in its {@value #PREVIOUS_INSTANCE_ATTRIBUTE} attribute, so a retry goes to another instance (unless
 * there is no other). Spring Cloud's {@code RetryAwareServiceInstanceListSupplier} does the same for
 * its own retries; this one serves callers that retry by sending the request again, as Spring Cloud
 * Gateway's {@code Retry} filter does.
 */
public class PreviousInstanceAvoidingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	/** Request attribute holding the {@link ServiceInstance} of the request's previous attempt. */
	public static final String PREVIOUS_INSTANCE_ATTRIBUTE = PreviousInstanceAvoidingServiceInstanceListSupplier.class
		.getName() + ".previous";

	public PreviousInstanceAvoidingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate) {
		super(delegate);
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.delegate.get();
	}

	@Override
	public Flux<List<ServiceInstance>> get(Request request) {
		ServiceInstance previous = previousOf(request);
		if (previous == null) {
			return this.delegate.get(request);
		}
		String previousKey = ServiceTarget.keyOf(previous);
		return this.delegate.get(request).map((instances) -> {
			List<ServiceInstance> others = instances.stream()
				.filter((instance) -> !ServiceTarget.keyOf(instance).equals(previousKey))
				.toList();
			return others.isEmpty() ? instances : others;
		});
	}

	private static @Nullable ServiceInstance previousOf(Request<?> request) {
		if (request.getContext() instanceof RequestDataContext context && context.getClientRequest() != null) {
			Map<String, Object> attributes = context.getClientRequest().getAttributes();
			if (attributes != null && attributes.get(PREVIOUS_INSTANCE_ATTRIBUTE) instanceof ServiceInstance instance) {
				return instance;
			}
		}
		return null;
	}

}
