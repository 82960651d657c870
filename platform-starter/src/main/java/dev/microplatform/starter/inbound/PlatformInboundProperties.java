package dev.microplatform.starter.inbound;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Protection of a servlet service against more requests than it can handle: rate limits
 * per endpoint (and caller), a limit on requests in flight, and switches that make
 * endpoints serve their fallback.
 * <p>
 * Every value is read on each request, so a configuration refresh applies without a
 * restart. The collections are replaced as a whole on every binding, never changed in
 * place, so that a request never sees a half-updated one. The settings are checked when
 * they are bound; a value that would not work fails the binding with the property's name.
 */
@ConfigurationProperties(PlatformInboundProperties.PREFIX)
public class PlatformInboundProperties implements Validator {

	public static final String PREFIX = "platform.inbound";

	/**
	 * Whether to rate-limit and concurrency-limit inbound requests.
	 */
	private boolean enabled = true;

	/**
	 * Header naming the calling consumer or service, used to give each caller its own
	 * rate-limit bucket.
	 */
	private String callerHeader = "X-Caller-Id";

	/**
	 * Rate limits by endpoint name. A request counts against the first entry, in the order
	 * configured, whose path matches it.
	 */
	private Map<String, RateLimit> rateLimits = Collections.emptyMap();

	/**
	 * Limit on the number of requests the service handles at the same time.
	 */
	private final Concurrency concurrency = new Concurrency();

	/**
	 * Names of the endpoints currently degraded: they serve their fallback instead of
	 * doing the real work. Set it to an empty value to restore them all (a property
	 * removed from the configuration leaves the last bound value in place).
	 */
	private Set<String> degraded = Collections.emptySet();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getCallerHeader() {
		return this.callerHeader;
	}

	public void setCallerHeader(String callerHeader) {
		this.callerHeader = callerHeader;
	}

	/**
	 * Return the rate limits by endpoint name.
	 * @return an unmodifiable map in the configured order
	 */
	public Map<String, RateLimit> getRateLimits() {
		return this.rateLimits;
	}

	public void setRateLimits(Map<String, RateLimit> rateLimits) {
		this.rateLimits = Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits));
	}

	public Concurrency getConcurrency() {
		return this.concurrency;
	}

	/**
	 * Return the names of the degraded endpoints.
	 * @return an unmodifiable set
	 */
	public Set<String> getDegraded() {
		return this.degraded;
	}

	public void setDegraded(Set<String> degraded) {
		this.degraded = Set.copyOf(degraded);
	}

	@Override
	public boolean supports(Class<?> type) {
		return PlatformInboundProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		PlatformInboundProperties properties = (PlatformInboundProperties) target;
		properties.getRateLimits().forEach((name, rateLimit) -> rateLimit.validate(PREFIX + ".rate-limits." + name, errors));
		properties.getConcurrency().validate(PREFIX + ".concurrency", errors);
	}

	private static void reject(Errors errors, String property, String requirement, Object value) {
		errors.reject("invalid", property + " " + requirement + " but was " + value);
	}

	/**
	 * A limit on the requests to one endpoint per period: a token bucket holding
	 * {@code limit} requests, refilled at {@code limit} per {@code period}.
	 */
	public static class RateLimit {

		/**
		 * Path pattern of the endpoint's requests, such as "/greetings" or "/orders/**".
		 */
		private String path;

		/**
		 * Number of requests allowed per period.
		 */
		private int limit;

		/**
		 * Period after which the allowance is renewed.
		 */
		private Duration period = Duration.ofSeconds(1);

		/**
		 * Whether each caller named by the caller header gets a bucket of its own; requests
		 * without the header share one.
		 */
		private boolean perCaller = true;

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public int getLimit() {
			return this.limit;
		}

		public void setLimit(int limit) {
			this.limit = limit;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public boolean isPerCaller() {
			return this.perCaller;
		}

		public void setPerCaller(boolean perCaller) {
			this.perCaller = perCaller;
		}

		void validate(String prefix, Errors errors) {
			if (this.path == null || this.path.isBlank()) {
				reject(errors, prefix + ".path", "must be set", "'" + this.path + "'");
			}
			else {
				try {
					PathPatternParser.defaultInstance.parse(this.path);
				}
				catch (IllegalArgumentException ex) {
					reject(errors, prefix + ".path", "must be a path pattern (" + ex.getMessage() + ")",
							"'" + this.path + "'");
				}
			}
			if (this.limit < 1) {
				reject(errors, prefix + ".limit", "must be at least 1", this.limit);
			}
			if (this.period == null || this.period.isNegative() || this.period.isZero()) {
				reject(errors, prefix + ".period", "must be positive", this.period);
			}
		}

	}

	/**
	 * A limit on the requests handled at the same time; requests above it are answered
	 * at once with 503 instead of queueing.
	 */
	public static class Concurrency {

		/**
		 * How the limit is set: adaptive is Netflix concurrency-limits' Gradient2Limit.
		 */
		private Mode mode = Mode.ADAPTIVE;

		/**
		 * Limit in the fixed mode.
		 */
		private int fixedLimit = 100;

		/**
		 * Limit the adaptive mode starts with.
		 */
		private int initialLimit = 50;

		/**
		 * Lowest limit the adaptive mode goes down to.
		 */
		private int minLimit = 10;

		/**
		 * Highest limit the adaptive mode goes up to.
		 */
		private int maxLimit = 500;

		/**
		 * How much above its baseline the recent latency may be before the adaptive limit
		 * shrinks (2.0 tolerates twice the baseline).
		 */
		private double rttTolerance = 2.0;

		/**
		 * How much of each new estimate the adaptive limit takes, in (0, 1].
		 */
		private double smoothing = 0.2;

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public int getFixedLimit() {
			return this.fixedLimit;
		}

		public void setFixedLimit(int fixedLimit) {
			this.fixedLimit = fixedLimit;
		}

		public int getInitialLimit() {
			return this.initialLimit;
		}

		public void setInitialLimit(int initialLimit) {
			this.initialLimit = initialLimit;
		}

		public int getMinLimit() {
			return this.minLimit;
		}

		public void setMinLimit(int minLimit) {
			this.minLimit = minLimit;
		}

		public int getMaxLimit() {
			return this.maxLimit;
		}

		public void setMaxLimit(int maxLimit) {
			this.maxLimit = maxLimit;
		}

		public double getRttTolerance() {
			return this.rttTolerance;
		}

		public void setRttTolerance(double rttTolerance) {
			this.rttTolerance = rttTolerance;
		}

		public double getSmoothing() {
			return this.smoothing;
		}

		public void setSmoothing(double smoothing) {
			this.smoothing = smoothing;
		}

		void validate(String prefix, Errors errors) {
			if (this.mode == null) {
				reject(errors, prefix + ".mode", "must be set", null);
			}
			if (this.fixedLimit < 1) {
				reject(errors, prefix + ".fixed-limit", "must be at least 1", this.fixedLimit);
			}
			if (this.minLimit < 1) {
				reject(errors, prefix + ".min-limit", "must be at least 1", this.minLimit);
			}
			if (this.maxLimit < this.minLimit) {
				reject(errors, prefix + ".max-limit", "must be at least min-limit (" + this.minLimit + ")",
						this.maxLimit);
			}
			if (this.initialLimit < this.minLimit || this.initialLimit > this.maxLimit) {
				reject(errors, prefix + ".initial-limit",
						"must be between min-limit (" + this.minLimit + ") and max-limit (" + this.maxLimit + ")",
						this.initialLimit);
			}
			if (!(this.rttTolerance >= 1.0) || Double.isInfinite(this.rttTolerance)) {
				reject(errors, prefix + ".rtt-tolerance", "must be at least 1.0", this.rttTolerance);
			}
			if (!(this.smoothing > 0.0 && this.smoothing <= 1.0)) {
				reject(errors, prefix + ".smoothing", "must be in (0, 1]", this.smoothing);
			}
		}

		/**
		 * How the concurrency limit is set.
		 */
		public enum Mode {

			/**
			 * No limit on requests in flight.
			 */
			NONE,

			/**
			 * A limit that never changes.
			 */
			FIXED,

			/**
			 * A limit that follows the service's latency, growing while it stays low and
			 * shrinking when requests start to queue.
			 */
			ADAPTIVE

		}

	}

}
