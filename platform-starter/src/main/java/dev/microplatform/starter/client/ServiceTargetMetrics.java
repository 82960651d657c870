package dev.microplatform.starter.client;

import java.util.function.Consumer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Exports what each target's own mechanisms do, tagged with the target's service id: the retry
 * budget left and the retries it refused, ejections and the instances ejected now. (Circuit
 * breakers and bulkheads are exported by Spring Cloud CircuitBreaker's Resilience4j metrics.)
 */
public class ServiceTargetMetrics implements Consumer<ServiceTarget> {

	private final ObjectProvider<MeterRegistry> registry;

	public ServiceTargetMetrics(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void accept(ServiceTarget target) {
		MeterRegistry registry = this.registry.getIfAvailable();
		if (registry == null) {
			return;
		}
		Tags tags = Tags.of("target", target.serviceId());
		Gauge.builder("platform.client.retry.budget.available", target.retryBudget(), RetryBudget::available)
			.description("Retries the target's retry budget allows now")
			.tags(tags)
			.register(registry);
		FunctionCounter
			.builder("platform.client.retry.budget.rejected", target.retryBudget(), RetryBudget::rejectedRetries)
			.description("Retries refused because the target's retry budget was exhausted")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("platform.client.outlier.ejections", target.outliers(), (o) -> o.ejections())
			.description("Instances of the target taken out of rotation after consecutive failures")
			.tags(tags)
			.register(registry);
		Gauge.builder("platform.client.outlier.ejected", target.outliers(), (o) -> o.currentlyEjected())
			.description("Instances of the target out of rotation now")
			.tags(tags)
			.register(registry);
	}

}
