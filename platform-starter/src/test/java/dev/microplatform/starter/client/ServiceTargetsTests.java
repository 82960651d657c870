package dev.microplatform.starter.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.microplatform.starter.client.PlatformClientProperties.Strategy;
import dev.microplatform.starter.client.PlatformClientProperties.TargetSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceTargetsTests {

	// An arbitrary start, as System.nanoTime() has no meaningful origin
	private final AtomicLong nanos = new AtomicLong(987_654_321L);

	private final MockEnvironment environment = new MockEnvironment();

	private final List<ServiceTarget> made = new ArrayList<>();

	private final ServiceTargets targets = new ServiceTargets(this.environment, this.nanos::get, this.made::add);

	@Test
	void withoutAnySettingsATargetHasThePropertiesDefaults() {
		TargetSettings settings = this.targets.get("greeter").settings();
		assertThat(settings.getLoadBalancer()).isEqualTo(Strategy.ROUND_ROBIN);
		assertThat(settings.getEwmaDecay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.getRetryBudget().getRatio()).isEqualTo(0.2);
		assertThat(settings.getRetryBudget().getMinRetriesPerSecond()).isEqualTo(5);
		assertThat(settings.getRetryBudget().getTtl()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.getBackoff().getInitial()).isEqualTo(Duration.ofMillis(20));
		assertThat(settings.getBackoff().getMax()).isEqualTo(Duration.ofMillis(200));
		assertThat(settings.getBackoff().getMultiplier()).isEqualTo(2);
		assertThat(settings.getOutlier().getConsecutiveFailures()).isEqualTo(3);
		assertThat(settings.getOutlier().getBaseEjectionTime()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.getOutlier().getMaxEjectionTime()).isEqualTo(Duration.ofSeconds(60));
		assertThat(settings.getOutlier().getMaxEjectedShare()).isEqualTo(0.5);
	}

	@Test
	void settingsAreTheDefaultsOverlaidWithTheServicesOwnKeysOnlyWhereSet() {
		this.environment.withProperty("platform.client.defaults.retry-budget.ratio", "0.5")
			.withProperty("platform.client.defaults.outlier.consecutive-failures", "7")
			.withProperty("platform.client.services.a.load-balancer", "random")
			.withProperty("platform.client.services.a.retry-budget.min-retries-per-second", "1")
			.withProperty("platform.client.services.a.outlier.consecutive-failures", "2");
		TargetSettings a = this.targets.get("a").settings();
		assertThat(a.getLoadBalancer()).isEqualTo(Strategy.RANDOM);
		// Siblings of a key the service sets keep the defaults' values, not the fields'
		assertThat(a.getRetryBudget().getRatio()).isEqualTo(0.5);
		assertThat(a.getRetryBudget().getMinRetriesPerSecond()).isEqualTo(1);
		assertThat(a.getRetryBudget().getTtl()).isEqualTo(Duration.ofSeconds(10));
		assertThat(a.getOutlier().getConsecutiveFailures()).isEqualTo(2);
		TargetSettings b = this.targets.get("b").settings();
		assertThat(b.getLoadBalancer()).isEqualTo(Strategy.ROUND_ROBIN);
		assertThat(b.getRetryBudget().getRatio()).isEqualTo(0.5);
		assertThat(b.getRetryBudget().getMinRetriesPerSecond()).isEqualTo(5);
		assertThat(b.getOutlier().getConsecutiveFailures()).isEqualTo(7);
	}

	@Test
	void strategiesAreBoundFromTheirKebabCaseNames() {
		this.environment.withProperty("platform.client.defaults.load-balancer", "peak-ewma")
			.withProperty("platform.client.services.a.load-balancer", "round-robin");
		assertThat(this.targets.get("a").settings().getLoadBalancer()).isEqualTo(Strategy.ROUND_ROBIN);
		assertThat(this.targets.get("b").settings().getLoadBalancer()).isEqualTo(Strategy.PEAK_EWMA);
	}

	@Test
	void aTargetsRetryBudgetIsMadeFromItsSettings() {
		this.environment.withProperty("platform.client.defaults.retry-budget.min-retries-per-second", "0")
			.withProperty("platform.client.services.a.retry-budget.ratio", "0.5");
		RetryBudget budget = this.targets.get("a").retryBudget();
		assertThat(budget.available()).isZero();
		budget.recordRequest();
		budget.recordRequest();
		assertThat(budget.available()).isOne();
		// The other target's budget is its own, with the defaults' ratio
		RetryBudget other = this.targets.get("b").retryBudget();
		for (int i = 0; i < 4; i++) {
			other.recordRequest();
		}
		assertThat(other.available()).isZero();
		other.recordRequest();
		assertThat(other.available()).isOne();
	}

	@Test
	void aTargetsOutlierDetectorIsMadeFromItsSettingsAndTheSharedClock() {
		this.environment.withProperty("platform.client.services.a.outlier.consecutive-failures", "2")
			.withProperty("platform.client.services.a.outlier.base-ejection-time", "30s");
		ServiceTarget target = this.targets.get("a");
		target.outliers().recordFailure("a-1");
		assertThat(target.outliers().isEjected("a-1")).isFalse();
		target.outliers().recordFailure("a-1");
		assertThat(target.outliers().isEjected("a-1")).isTrue();
		this.nanos.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
		assertThat(target.outliers().isEjected("a-1")).isTrue();
		this.nanos.incrementAndGet();
		assertThat(target.outliers().isEjected("a-1")).isFalse();
	}

	@Test
	void aTargetsLatencyUsesTheSharedClock() {
		ServiceTarget target = this.targets.get("a");
		target.latency().onStart("a-1");
		this.nanos.addAndGet(Duration.ofMillis(40).toNanos());
		target.latency().onComplete("a-1", Duration.ofMillis(40).toNanos());
		assertThat(target.latency().load("a-1")).isEqualTo(Duration.ofMillis(40).toNanos());
	}

	@Test
	void serviceIdsThatAreNotCanonicalPropertyNamesHaveTargetsToo() {
		this.environment.withProperty("platform.client.services.Greeter_V2.load-balancer", "random");
		assertThat(this.targets.get("Greeter_V2").settings().getLoadBalancer()).isEqualTo(Strategy.RANDOM);
		assertThat(this.targets.get("SALUTATION").settings().getLoadBalancer()).isEqualTo(Strategy.ROUND_ROBIN);
	}

	@Test
	void oneTargetPerServiceId() {
		ServiceTarget a = this.targets.get("a");
		assertThat(this.targets.get("a")).isSameAs(a);
		assertThat(a.serviceId()).isEqualTo("a");
		ServiceTarget b = this.targets.get("b");
		assertThat(b).isNotSameAs(a);
		assertThat(b.retryBudget()).isNotSameAs(a.retryBudget());
		assertThat(b.outliers()).isNotSameAs(a.outliers());
		assertThat(b.latency()).isNotSameAs(a.latency());
		assertThat(this.made).containsExactly(a, b);
	}

	@Test
	void settingsAreReadWhenATargetIsFirstMade() {
		ServiceTarget a = this.targets.get("a");
		this.environment.setProperty("platform.client.services.a.load-balancer", "random");
		assertThat(this.targets.get("a")).isSameAs(a);
		assertThat(a.settings().getLoadBalancer()).isEqualTo(Strategy.ROUND_ROBIN);
		// settingsFor reads the environment as it is now
		assertThat(this.targets.settingsFor("a").getLoadBalancer()).isEqualTo(Strategy.RANDOM);
	}

	@Test
	void metricsAreBoundOncePerTargetTaggedWithItsServiceId() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		this.environment.withProperty("platform.client.services.a.retry-budget.min-retries-per-second", "0")
			.withProperty("platform.client.services.a.retry-budget.ratio", "0");
		ServiceTargets targets = new ServiceTargets(this.environment, this.nanos::get,
				new ServiceTargetMetrics(provider(registry)));
		ServiceTarget a = targets.get("a");
		targets.get("a");
		targets.get("b");
		for (String name : List.of("platform.client.retry.budget.available", "platform.client.retry.budget.rejected",
				"platform.client.outlier.ejections", "platform.client.outlier.ejected")) {
			assertThat(registry.find(name).meters()).as(name)
				.extracting((meter) -> meter.getId().getTag("target"))
				.containsExactlyInAnyOrder("a", "b");
		}
		// b has the defaults: 5 retries a second for 10 seconds
		assertThat(gauge(registry, "platform.client.retry.budget.available", "b")).isEqualTo(50);
		assertThat(gauge(registry, "platform.client.retry.budget.available", "a")).isZero();
		assertThat(a.retryBudget().tryRetry()).isFalse();
		assertThat(registry.get("platform.client.retry.budget.rejected").tag("target", "a").functionCounter().count())
			.isOne();
		for (int i = 0; i < 3; i++) {
			a.outliers().recordFailure("a-1");
		}
		assertThat(registry.get("platform.client.outlier.ejections").tag("target", "a").functionCounter().count())
			.isOne();
		assertThat(gauge(registry, "platform.client.outlier.ejected", "a")).isOne();
		assertThat(gauge(registry, "platform.client.outlier.ejected", "b")).isZero();
	}

	@Test
	void withoutAMeterRegistryTargetsAreMadeWithoutMetrics() {
		ServiceTargets targets = new ServiceTargets(this.environment, this.nanos::get,
				new ServiceTargetMetrics(new DefaultListableBeanFactory().getBeanProvider(MeterRegistry.class)));
		assertThat(targets.get("a").serviceId()).isEqualTo("a");
	}

	private static ObjectProvider<MeterRegistry> provider(MeterRegistry registry) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("meterRegistry", registry);
		return beanFactory.getBeanProvider(MeterRegistry.class);
	}

	private static double gauge(MeterRegistry registry, String name, String target) {
		Gauge gauge = registry.get(name).tag("target", target).gauge();
		return gauge.value();
	}

}
