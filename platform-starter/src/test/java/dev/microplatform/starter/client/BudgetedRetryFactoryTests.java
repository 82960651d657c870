package dev.microplatform.starter.client;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryPolicy;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.http.HttpMethod;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.retry.backoff.BackOffPolicy;
import org.springframework.retry.backoff.ExponentialRandomBackOffPolicy;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetedRetryFactoryTests {

	private static final String SERVICE = "greeter";

	// An arbitrary start, as System.nanoTime() has no meaningful origin
	private final AtomicLong nanos = new AtomicLong(55_555_555L);

	private final MockEnvironment environment = new MockEnvironment()
		.withProperty("platform.client.defaults.retry-budget.min-retries-per-second", "0")
		.withProperty("platform.client.defaults.retry-budget.ratio", "1");

	private final LoadBalancerClientsProperties loadBalancerProperties = new LoadBalancerClientsProperties();

	private final ServiceTargets targets = new ServiceTargets(this.environment, this.nanos::get, (target) -> {
	});

	private final BudgetedRetryFactory factory = new BudgetedRetryFactory(
			new LoadBalancerClientFactory(this.loadBalancerProperties), this.targets);

	BudgetedRetryFactoryTests() {
		// What the platform's defaults set: GETs only, up to two other instances, never the same one
		this.loadBalancerProperties.getRetry().setMaxRetriesOnSameServiceInstance(0);
		this.loadBalancerProperties.getRetry().setMaxRetriesOnNextServiceInstance(2);
	}

	@Test
	void eachPolicyIsOneOriginalRequestInTheBudget() {
		this.environment.setProperty("platform.client.defaults.retry-budget.ratio", "0.5");
		RetryBudget budget = this.targets.get(SERVICE).retryBudget();
		this.factory.createRetryPolicy(SERVICE, null);
		assertThat(budget.available()).isZero();
		this.factory.createRetryPolicy(SERVICE, null);
		assertThat(budget.available()).isOne();
	}

	@Test
	void aRetryIsPaidForOnceHoweverOftenItIsAskedFor() {
		RetryBudget budget = this.targets.get(SERVICE).retryBudget();
		budget.recordRequest();
		budget.recordRequest();
		LoadBalancedRetryPolicy policy = this.factory.createRetryPolicy(SERVICE, null);
		assertThat(budget.available()).isEqualTo(3);
		LoadBalancedRetryContext context = failedAttempts(HttpMethod.GET, 1);
		// Spring Retry asks before backing off and again before the next attempt
		assertThat(policy.canRetryNextServer(context)).isTrue();
		assertThat(policy.canRetryNextServer(context)).isTrue();
		assertThat(policy.canRetryNextServer(context)).isTrue();
		assertThat(budget.available()).isEqualTo(2);
		context.registerThrowable(new IOException("second attempt failed"));
		assertThat(policy.canRetryNextServer(context)).isTrue();
		assertThat(policy.canRetryNextServer(context)).isTrue();
		assertThat(budget.available()).isOne();
		assertThat(budget.rejectedRetries()).isZero();
	}

	@Test
	void retriesOnTheSameInstanceArePaidForFromTheSameAccount() {
		this.loadBalancerProperties.getRetry().setMaxRetriesOnSameServiceInstance(1);
		RetryBudget budget = this.targets.get(SERVICE).retryBudget();
		LoadBalancedRetryPolicy policy = this.factory.createRetryPolicy(SERVICE, null);
		LoadBalancedRetryContext context = failedAttempts(HttpMethod.GET, 1);
		assertThat(policy.canRetrySameServer(context)).isTrue();
		assertThat(policy.canRetryNextServer(context)).isTrue();
		assertThat(budget.available()).isZero();
	}

	@Test
	void refusesARetryOnceTheBudgetIsExhausted() {
		RetryBudget budget = this.targets.get(SERVICE).retryBudget();
		LoadBalancedRetryPolicy policy = this.factory.createRetryPolicy(SERVICE, null);
		LoadBalancedRetryContext context = failedAttempts(HttpMethod.GET, 1);
		assertThat(policy.canRetryNextServer(context)).isTrue();
		context.registerThrowable(new IOException("second attempt failed"));
		assertThat(policy.canRetryNextServer(context)).isFalse();
		assertThat(budget.rejectedRetries()).isOne();
		assertThat(budget.available()).isZero();
	}

	@Test
	void aRetrySpringCloudWouldNotMakeCostsNothing() {
		RetryBudget budget = this.targets.get(SERVICE).retryBudget();
		budget.recordRequest();
		LoadBalancedRetryPolicy postPolicy = this.factory.createRetryPolicy(SERVICE, null);
		assertThat(budget.available()).isEqualTo(2);
		assertThat(postPolicy.canRetryNextServer(failedAttempts(HttpMethod.POST, 1))).isFalse();
		LoadBalancedRetryPolicy getPolicy = this.factory.createRetryPolicy(SERVICE, null);
		// Past spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance
		LoadBalancedRetryContext tooMany = failedAttempts(HttpMethod.GET, 3);
		getPolicy.registerThrowable(tooMany, new IOException());
		getPolicy.registerThrowable(tooMany, new IOException());
		getPolicy.registerThrowable(tooMany, new IOException());
		assertThat(getPolicy.canRetryNextServer(tooMany)).isFalse();
		assertThat(budget.available()).isEqualTo(3);
		assertThat(budget.rejectedRetries()).isZero();
	}

	@Test
	void aRefusedRetryIsCountedOnceHoweverOftenItIsAskedFor() {
		this.environment.setProperty("platform.client.defaults.retry-budget.ratio", "0");
		RetryBudget budget = this.targets.get(SERVICE).retryBudget();
		LoadBalancedRetryPolicy policy = this.factory.createRetryPolicy(SERVICE, null);
		LoadBalancedRetryContext context = failedAttempts(HttpMethod.GET, 1);
		// Spring Retry asks before backing off and again before the next attempt
		assertThat(policy.canRetryNextServer(context)).isFalse();
		assertThat(policy.canRetryNextServer(context)).isFalse();
		assertThat(budget.rejectedRetries()).isOne();
	}

	@Test
	void policiesOfOneTargetShareItsBudgetAndOtherTargetsHaveTheirOwn() {
		this.environment.setProperty("platform.client.defaults.retry-budget.ratio", "0.5");
		LoadBalancedRetryPolicy first = this.factory.createRetryPolicy(SERVICE, null);
		LoadBalancedRetryPolicy second = this.factory.createRetryPolicy(SERVICE, null);
		LoadBalancedRetryPolicy other = this.factory.createRetryPolicy("salutation", null);
		assertThat(first.canRetryNextServer(failedAttempts(HttpMethod.GET, 1))).isTrue();
		assertThat(second.canRetryNextServer(failedAttempts(HttpMethod.GET, 1))).isFalse();
		assertThat(other.canRetryNextServer(failedAttempts(HttpMethod.GET, 1))).isFalse();
		assertThat(this.targets.get("salutation").retryBudget().rejectedRetries()).isOne();
	}

	@Test
	void statusCodesAndExceptionsAreSpringCloudsDecision() {
		this.loadBalancerProperties.getRetry().getRetryableStatusCodes().add(503);
		LoadBalancedRetryPolicy policy = this.factory.createRetryPolicy(SERVICE, null);
		assertThat(policy.retryableStatusCode(503)).isTrue();
		assertThat(policy.retryableStatusCode(500)).isFalse();
		assertThat(policy.retryableException(new IOException())).isTrue();
		assertThat(policy.retryableException(new IllegalStateException())).isFalse();
	}

	@Test
	void backOffIsExponentialWithJitterFromTheTargetsSettings() {
		this.environment.withProperty("platform.client.services.greeter.backoff.initial", "50ms")
			.withProperty("platform.client.services.greeter.backoff.max", "1s")
			.withProperty("platform.client.services.greeter.backoff.multiplier", "3");
		BackOffPolicy backOff = this.factory.createBackOffPolicy(SERVICE);
		assertThat(backOff).isInstanceOfSatisfying(ExponentialRandomBackOffPolicy.class, (policy) -> {
			assertThat(policy.getInitialInterval()).isEqualTo(50);
			assertThat(policy.getMaxInterval()).isEqualTo(1000);
			assertThat(policy.getMultiplier()).isEqualTo(3);
		});
		assertThat(this.factory.createBackOffPolicy("salutation"))
			.isInstanceOfSatisfying(ExponentialRandomBackOffPolicy.class, (policy) -> {
				assertThat(policy.getInitialInterval()).isEqualTo(20);
				assertThat(policy.getMaxInterval()).isEqualTo(200);
				assertThat(policy.getMultiplier()).isEqualTo(2);
			});
	}

	private static LoadBalancedRetryContext failedAttempts(HttpMethod method, int failures) {
		LoadBalancedRetryContext context = new LoadBalancedRetryContext(null,
				new MockClientHttpRequest(method, URI.create("http://greeter/greetings")));
		for (int i = 0; i < failures; i++) {
			context.registerThrowable(new IOException("attempt " + (i + 1) + " failed"));
		}
		return context;
	}

}
