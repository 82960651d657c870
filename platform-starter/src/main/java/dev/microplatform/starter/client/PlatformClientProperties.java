package dev.microplatform.starter.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a service calls other services by name: the mechanisms Spring Cloud and Resilience4j lack
 * (load-balancing strategy, outlier ejection, retry budget, retry backoff), with defaults and
 * per-target overrides. Timeouts, retry counts, circuit breakers and bulkheads keep their own
 * keys: {@code spring.http.serviceclient.<service>.*}, {@code spring.cloud.loadbalancer.clients.<service>.retry.*},
 * {@code resilience4j.circuitbreaker.instances.<service>.*}, {@code resilience4j.bulkhead.instances.<service>.*}.
 */
@ConfigurationProperties(PlatformClientProperties.PREFIX)
public class PlatformClientProperties {

	public static final String PREFIX = "platform.client";

	/**
	 * Whether to make calls to other services resilient (strategy, ejection, budgeted retries).
	 */
	private boolean enabled = true;

	/**
	 * Settings for every target service that has no entry of its own in "services".
	 */
	private TargetSettings defaults = new TargetSettings();

	/**
	 * Per target service (by service id) overrides of the defaults; only the keys set are changed.
	 */
	private Map<String, TargetSettings> services = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public TargetSettings getDefaults() {
		return this.defaults;
	}

	public void setDefaults(TargetSettings defaults) {
		this.defaults = defaults;
	}

	public Map<String, TargetSettings> getServices() {
		return this.services;
	}

	public void setServices(Map<String, TargetSettings> services) {
		this.services = services;
	}

	/**
	 * How instances of a target service are chosen.
	 */
	public enum Strategy {

		/** Each instance in turn. */
		ROUND_ROBIN,

		/** An instance at random. */
		RANDOM,

		/** The less loaded of two random instances, by peak-EWMA latency times requests in flight. */
		PEAK_EWMA

	}

	/**
	 * The settings of calls to one target service.
	 */
	public static class TargetSettings {

		/**
		 * How instances are chosen.
		 */
		private Strategy loadBalancer = Strategy.ROUND_ROBIN;

		/**
		 * How quickly the peak-EWMA latency of an instance forgets old observations.
		 */
		private Duration ewmaDecay = Duration.ofSeconds(10);

		private final RetryBudgetSettings retryBudget = new RetryBudgetSettings();

		private final BackoffSettings backoff = new BackoffSettings();

		private final OutlierSettings outlier = new OutlierSettings();

		public Strategy getLoadBalancer() {
			return this.loadBalancer;
		}

		public void setLoadBalancer(Strategy loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

		public Duration getEwmaDecay() {
			return this.ewmaDecay;
		}

		public void setEwmaDecay(Duration ewmaDecay) {
			this.ewmaDecay = ewmaDecay;
		}

		public RetryBudgetSettings getRetryBudget() {
			return this.retryBudget;
		}

		public BackoffSettings getBackoff() {
			return this.backoff;
		}

		public OutlierSettings getOutlier() {
			return this.outlier;
		}

	}

	/**
	 * How much retries may add to the calls of this process to one target.
	 */
	public static class RetryBudgetSettings {

		/**
		 * Retries allowed per original request within the window (0.2: retries add at most 20 %).
		 */
		private double ratio = 0.2;

		/**
		 * Retries allowed per second even without traffic, so a quiet client can still retry.
		 */
		private int minRetriesPerSecond = 5;

		/**
		 * How long a request or a retry counts towards the budget.
		 */
		private Duration ttl = Duration.ofSeconds(10);

		public double getRatio() {
			return this.ratio;
		}

		public void setRatio(double ratio) {
			this.ratio = ratio;
		}

		public int getMinRetriesPerSecond() {
			return this.minRetriesPerSecond;
		}

		public void setMinRetriesPerSecond(int minRetriesPerSecond) {
			this.minRetriesPerSecond = minRetriesPerSecond;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * Exponential backoff with jitter between attempts.
	 */
	public static class BackoffSettings {

		/**
		 * Wait before the first retry (before jitter).
		 */
		private Duration initial = Duration.ofMillis(20);

		/**
		 * Longest wait between attempts.
		 */
		private Duration max = Duration.ofMillis(200);

		/**
		 * Factor by which the wait grows after each attempt; the jitter spreads each wait between
		 * the current value and this factor times it.
		 */
		private double multiplier = 2;

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

	}

	/**
	 * Passive outlier ejection: the fast path that takes a failing instance out of rotation
	 * before Consul's health check notices.
	 */
	public static class OutlierSettings {

		/**
		 * Connection failures or 5xx answers in a row that eject an instance.
		 */
		private int consecutiveFailures = 3;

		/**
		 * How long the first ejection lasts; each further ejection of the same instance lasts one
		 * more multiple of it.
		 */
		private Duration baseEjectionTime = Duration.ofSeconds(5);

		/**
		 * Longest ejection.
		 */
		private Duration maxEjectionTime = Duration.ofSeconds(60);

		/**
		 * Largest share of a target's instances ejected at once.
		 */
		private double maxEjectedShare = 0.5;

		public int getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
		}

		public Duration getBaseEjectionTime() {
			return this.baseEjectionTime;
		}

		public void setBaseEjectionTime(Duration baseEjectionTime) {
			this.baseEjectionTime = baseEjectionTime;
		}

		public Duration getMaxEjectionTime() {
			return this.maxEjectionTime;
		}

		public void setMaxEjectionTime(Duration maxEjectionTime) {
			this.maxEjectionTime = maxEjectionTime;
		}

		public double getMaxEjectedShare() {
			return this.maxEjectedShare;
		}

		public void setMaxEjectedShare(double maxEjectedShare) {
			this.maxEjectedShare = maxEjectedShare;
		}

	}

}
