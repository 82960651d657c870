package dev.microplatform.starter.client;


import dev.microplatform.starter.client.PlatformClientProperties.BackoffSettings;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryPolicy;
import org.springframework.cloud.client.loadbalancer.ServiceInstanceChooser;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.blocking.retry.BlockingLoadBalancedRetryFactory;
import org.springframework.retry.backoff.BackOffPolicy;
import org.springframework.retry.backoff.ExponentialRandomBackOffPolicy;

/**
 * Spring Cloud LoadBalancer's retries (on the next instance, idempotent methods only, configured by
 * {@code spring.cloud.loadbalancer.retry.*}), drawn from the target's {@link RetryBudget} and
 * spaced by exponential backoff with jitter.
 */
public class BudgetedRetryFactory extends BlockingLoadBalancedRetryFactory {

	private final ServiceTargets targets;

	public BudgetedRetryFactory(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
			ServiceTargets targets) {
		super(loadBalancerFactory);
		this.targets = targets;
	}

	@Override
	public LoadBalancedRetryPolicy createRetryPolicy(String service, ServiceInstanceChooser serviceInstanceChooser) {
		// Called once per logical call: that call is the budget's original request.
		RetryBudget budget = this.targets.get(service).retryBudget();
		budget.recordRequest();
		return new BudgetedRetryPolicy(super.createRetryPolicy(service, serviceInstanceChooser), budget);
	}

	@Override
	public BackOffPolicy createBackOffPolicy(String service) {
		BackoffSettings backoff = this.targets.get(service).settings().getBackoff();
		ExponentialRandomBackOffPolicy policy = new ExponentialRandomBackOffPolicy();
		policy.setInitialInterval(backoff.getInitial().toMillis());
		policy.setMaxInterval(backoff.getMax().toMillis());
		policy.setMultiplier(backoff.getMultiplier());
		return policy;
	}

	/**
	 * Spring Cloud's policy, plus a withdrawal from the budget for each retry it allows. Spring
	 * Retry asks more than once per attempt, so each retry is paid for (or refused) once, by its number.
	 */
	static final class BudgetedRetryPolicy implements LoadBalancedRetryPolicy {

		private final LoadBalancedRetryPolicy delegate;

		private final RetryBudget budget;

		private int paidThrough;

		private int refusedAt = -1;

		BudgetedRetryPolicy(LoadBalancedRetryPolicy delegate, RetryBudget budget) {
			this.delegate = delegate;
			this.budget = budget;
		}

		@Override
		public boolean canRetrySameServer(LoadBalancedRetryContext context) {
			return this.delegate.canRetrySameServer(context) && paid(context.getRetryCount());
		}

		@Override
		public boolean canRetryNextServer(LoadBalancedRetryContext context) {
			return this.delegate.canRetryNextServer(context) && paid(context.getRetryCount());
		}

		private synchronized boolean paid(int retry) {
			if (retry <= this.paidThrough) {
				return true;
			}
			if (retry == this.refusedAt) {
				return false;
			}
			if (!this.budget.tryRetry()) {
				this.refusedAt = retry;
				return false;
			}
			this.paidThrough = retry;
			return true;
		}

		@Override
		public void close(LoadBalancedRetryContext context) {
			this.delegate.close(context);
		}

		@Override
		public void registerThrowable(LoadBalancedRetryContext context,
				Throwable throwable) {
			this.delegate.registerThrowable(context, throwable);
		}

		@Override
		public boolean retryableStatusCode(int statusCode) {
			return this.delegate.retryableStatusCode(statusCode);
		}

		@Override
		public boolean retryableException(Throwable throwable) {
			return this.delegate.retryableException(throwable);
		}

	}

}
