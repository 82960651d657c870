package dev.microplatform.starter.inbound;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import dev.microplatform.starter.inbound.PlatformInboundProperties.Concurrency.Mode;
import dev.microplatform.starter.inbound.PlatformInboundProperties.Concurrency;
import dev.microplatform.starter.inbound.PlatformInboundProperties.RateLimit;
import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.problem.ProblemTypes;
import dev.microplatform.starter.problem.ServletProblemWriter;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.validation.ObjectError;
import org.springframework.validation.SimpleErrors;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Sheds the inbound requests a service should not take on, before they reach it: those
 * above their endpoint's rate limit get {@code 429} and those above the service's
 * concurrency limit get {@code 503}, both at once, as RFC 9457 problem details with a
 * {@code Retry-After} header.
 * <p>
 * Rate limits are Bucket4j token buckets, as Envoy's local rate limit is one: a limit of
 * {@code n} per period holds {@code n} tokens and gets them back at {@code n} per period, one
 * at a time, so that a burst is never more than the limit (a fixed window lets twice the limit
 * through around its boundary). There is one bucket per endpoint, or per endpoint and caller
 * when the endpoint is limited per caller and the request names its caller, held in a bounded
 * cache keyed by its settings, so that thousands of callers cannot exhaust memory and a
 * changed setting takes effect with a fresh bucket; an idle bucket is forgotten once a period
 * has passed, by when it would be full again anyway.
 * <p>
 * One Netflix concurrency-limits {@link SimpleLimiter} guards the whole service, its limit
 * {@link Gradient2Limit adaptive} (the default) or {@link FixedLimit fixed}. A request that
 * ends with an exception or a 5xx tells the limiter it was {@link Limiter.Listener#onDropped()
 * dropped}; any other, that it {@link Limiter.Listener#onSuccess() succeeded}, with its
 * round-trip time.
 * <p>
 * The {@link PlatformInboundProperties properties} are read on every request, so a
 * configuration refresh applies at once; the auto-configuration hands the filter a
 * {@link dev.microplatform.starter.refresh.LiveProperties}, so that a request never sees the
 * settings half rebound. Requests under the actuator's base path are
 * never limited, so that health checks and scrapes still get through an overload.
 * <p>
 * Registered as a {@link MeterBinder}, it publishes the counters
 * {@code platform.inbound.rate.limited} (tagged with the {@code endpoint}) and
 * {@code platform.inbound.concurrency.rejected} and {@code platform.inbound.concurrency.dropped}
 * and the gauges
 * {@code platform.inbound.concurrency.limit} and
 * {@code platform.inbound.concurrency.in.flight}. Callers are never a tag, to keep the
 * number of series bounded.
 */
public class InboundProtectionFilter extends OncePerRequestFilter implements MeterBinder {

	/** Problem type of a request refused because its endpoint's rate limit is used up. */
	public static final URI RATE_LIMITED = ProblemTypes.RATE_LIMITED;

	/** Problem type of a request refused because the service has too many requests in flight. */
	public static final URI OVERLOADED = ProblemTypes.OVERLOADED;

	/**
	 * Order of the filter: just after Spring Boot's observation filter
	 * ({@code HIGHEST_PRECEDENCE + 1}), so that rejected requests are still observed and
	 * traced.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

	/** How many rate-limit buckets to keep at most, whatever the number of callers. */
	static final int MAX_BUCKETS = 10_000;

	private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final Supplier<PlatformInboundProperties> properties;

	private final String actuatorBasePath;

	private final ServletProblemWriter problems;

	private final LongSupplier nanoClock;

	private final Cache<BucketKey, Allowance> buckets = Caffeine.newBuilder()
		.maximumSize(MAX_BUCKETS)
		.expireAfter(Expiry.accessing((BucketKey key, Allowance allowance) -> key.period()))
		.build();

	private final Cache<String, PathPattern> pathPatterns = Caffeine.newBuilder().maximumSize(1_000).build();

	private final TimeMeter timeMeter;

	private final LimiterCallCounts callCounts = new LimiterCallCounts();

	private final AtomicReference<ConcurrencyState> concurrency;

	private final List<MeterRegistry> meterRegistries = new CopyOnWriteArrayList<>();

	/**
	 * Create a new filter.
	 * @param properties the settings, read on every request (the auto-configuration passes a
	 * {@link dev.microplatform.starter.refresh.LiveProperties}, swapped whole on a change)
	 * @param actuatorBasePath the path under which actuator endpoints are served, relative
	 * to the context path (such as {@code /actuator}); {@code "/"} or empty exempts nothing
	 * @param problemSerializer how to write the problem details of a rejection as JSON
	 * @param nanoClock the source of the current time in nanoseconds, such as
	 * {@code System::nanoTime}, to time requests for the adaptive concurrency limit and to
	 * refill the rate-limit buckets
	 */
	public InboundProtectionFilter(Supplier<PlatformInboundProperties> properties, String actuatorBasePath,
			ProblemSerializer problemSerializer, LongSupplier nanoClock) {
		this.properties = Objects.requireNonNull(properties, "properties must not be null");
		this.actuatorBasePath = normalizeBasePath(Objects.requireNonNull(actuatorBasePath));
		this.problems = new ServletProblemWriter(Objects.requireNonNull(problemSerializer, "problemSerializer must not be null"));
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
		this.timeMeter = new NanoClockTimeMeter(nanoClock);
		// Built eagerly so that a bad setting fails the start rather than the first request
		ConcurrencySettings settings = ConcurrencySettings.of(properties.get().getConcurrency());
		this.concurrency = new AtomicReference<>(new ConcurrencyState(settings, settings.newLimiter(nanoClock, this.callCounts)));
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("platform.inbound.concurrency.limit", this, InboundProtectionFilter::concurrencyLimitValue)
			.description("Requests the service handles at the same time before it answers 503")
			.register(registry);
		Gauge.builder("platform.inbound.concurrency.in.flight", this, InboundProtectionFilter::inFlightValue)
			.description("Requests in flight under the concurrency limit")
			.register(registry);
		FunctionCounter.builder("platform.inbound.concurrency.rejected", this.callCounts, (counts) -> counts.count("rejected"))
			.description("Requests refused with 503 because the service had too many in flight")
			.register(registry);
		FunctionCounter.builder("platform.inbound.concurrency.dropped", this.callCounts, (counts) -> counts.count("dropped"))
			.description("Requests admitted under the concurrency limit that ended in an error, which an adaptive limit backs off from")
			.register(registry);
		this.meterRegistries.add(registry);
	}

	/**
	 * Return the limiter currently guarding the service, rebuilt first if its settings
	 * changed.
	 * @return the limiter, or an empty optional if the concurrency mode is {@code NONE}
	 */
	public Optional<SimpleLimiter<Void>> concurrencyLimiter() {
		return Optional.ofNullable(currentConcurrencyLimiter());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.properties.get().isEnabled()) {
			chain.doFilter(request, response);
			return;
		}
		PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
			.pathWithinApplication();
		if (isActuatorPath(path.value())) {
			chain.doFilter(request, response);
			return;
		}
		Optional<RateLimitRejection> rejection = tryAcquireRateLimit(path, request);
		if (rejection.isPresent()) {
			rejectRateLimited(request, response, rejection.get());
			return;
		}
		SimpleLimiter<Void> limiter = currentConcurrencyLimiter();
		if (limiter == null) {
			chain.doFilter(request, response);
			return;
		}
		Optional<Limiter.Listener> listener = limiter.acquire(null);
		if (listener.isEmpty()) {
			rejectOverloaded(request, response);
			return;
		}
		handle(request, response, chain, new Permit(listener.get()));
	}

	private void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Permit permit)
			throws ServletException, IOException {
		boolean failed = true;
		try {
			chain.doFilter(request, response);
			failed = false;
		}
		finally {
			if (failed) {
				permit.drop();
			}
			else if (request.isAsyncStarted()) {
				// Spring MVC's Callable, DeferredResult and the like: done when the async cycle ends
				request.getAsyncContext().addListener(new PermitCompletingListener(permit, response));
			}
			else {
				complete(permit, response.getStatus());
			}
		}
	}

	private static void complete(Permit permit, int status) {
		if (status >= 500) {
			permit.drop();
		}
		else {
			permit.release();
		}
	}

	private boolean isActuatorPath(String path) {
		return !this.actuatorBasePath.isEmpty() && (path.equals(this.actuatorBasePath)
				|| (path.startsWith(this.actuatorBasePath) && path.charAt(this.actuatorBasePath.length()) == '/'));
	}

	private Optional<RateLimitRejection> tryAcquireRateLimit(PathContainer path, HttpServletRequest request) {
		for (Map.Entry<String, RateLimit> entry : this.properties.get().getRateLimits().entrySet()) {
			RateLimit rateLimit = entry.getValue();
			if (matches(rateLimit.getPath(), path)) {
				String endpoint = entry.getKey();
				String caller = rateLimit.isPerCaller() ? callerOf(request) : null;
				BucketKey key = new BucketKey(endpoint, caller, rateLimit.getLimit(), rateLimit.getPeriod());
				Bucket bucket = this.buckets.get(key, this::newBucket).bucket();
				if (bucket == null) {
					return Optional.empty();
				}
				ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
				if (probe.isConsumed()) {
					return Optional.empty();
				}
				long nanosToWait = probe.getNanosToWaitForRefill();
				return Optional.of(new RateLimitRejection(endpoint, Math.max(1, ceilSeconds(nanosToWait))));
			}
		}
		return Optional.empty();
	}

	private boolean matches(@Nullable String pattern, PathContainer path) {
		if (pattern == null) {
			return false;
		}
		try {
			return this.pathPatterns.get(pattern, PathPatternParser.defaultInstance::parse).matches(path);
		}
		catch (IllegalArgumentException ex) {
			// Reported when the properties were bound; an invalid pattern matches nothing
			return false;
		}
	}

	private @Nullable String callerOf(HttpServletRequest request) {
		String header = this.properties.get().getCallerHeader();
		String caller = (header != null && !header.isEmpty()) ? request.getHeader(header) : null;
		return (caller != null && !caller.isBlank()) ? caller : null;
	}

	private Allowance newBucket(BucketKey key) {
		try {
			Bucket bucket = Bucket.builder()
				.addLimit((limit) -> limit.capacity(key.limit()).refillGreedy(key.limit(), key.period()))
				.withCustomTimePrecision(this.timeMeter)
				.build();
			return new Allowance(bucket);
		}
		catch (RuntimeException ex) {
			// Reported when the properties were bound; kept (and logged) once per setting
			this.logger.warn("Not rate-limiting endpoint '" + key.endpoint() + "': invalid settings (limit="
					+ key.limit() + ", period=" + key.period() + "): " + ex.getMessage());
			return new Allowance(null);
		}
	}

	private static long ceilSeconds(long nanos) {
		return (nanos <= 0) ? 0 : nanos / NANOS_PER_SECOND + ((nanos % NANOS_PER_SECOND != 0) ? 1 : 0);
	}

	private @Nullable SimpleLimiter<Void> currentConcurrencyLimiter() {
		ConcurrencyState state = this.concurrency.get();
		ConcurrencySettings settings = ConcurrencySettings.of(this.properties.get().getConcurrency());
		if (state.settings().equals(settings)) {
			return state.limiter();
		}
		ConcurrencyState next = new ConcurrencyState(settings, newLimiterOrKeep(settings, state.limiter()));
		// Requests racing to apply the change all use the limiter that won
		return this.concurrency.compareAndSet(state, next) ? next.limiter() : this.concurrency.get().limiter();
	}

	private @Nullable SimpleLimiter<Void> newLimiterOrKeep(ConcurrencySettings settings,
			@Nullable SimpleLimiter<Void> current) {
		try {
			return settings.newLimiter(this.nanoClock, this.callCounts);
		}
		catch (RuntimeException ex) {
			// Reported when the properties were bound; don't fail requests for it
			this.logger.warn("Keeping the previous concurrency limit, the new settings are invalid: "
					+ ex.getMessage());
			return current;
		}
	}

	private double concurrencyLimitValue() {
		SimpleLimiter<Void> limiter = this.concurrency.get().limiter();
		return (limiter != null) ? limiter.getLimit() : Double.NaN;
	}

	private double inFlightValue() {
		SimpleLimiter<Void> limiter = this.concurrency.get().limiter();
		return (limiter != null) ? limiter.getInflight() : Double.NaN;
	}

	private void rejectRateLimited(HttpServletRequest request, HttpServletResponse response,
			RateLimitRejection rejection) throws IOException {
		for (MeterRegistry registry : this.meterRegistries) {
			Counter.builder("platform.inbound.rate.limited")
				.description("Requests refused with 429 because their endpoint's rate limit was used up")
				.tag("endpoint", rejection.endpoint())
				.register(registry)
				.increment();
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				"The rate limit of endpoint '" + rejection.endpoint() + "' is used up; retry after "
						+ rejection.retryAfterSeconds() + " s.");
		problem.setType(RATE_LIMITED);
		problem.setTitle("Rate limited");
		problem.setProperty("endpoint", rejection.endpoint());
		this.problems.write(request, response, problem, rejection.retryAfterSeconds());
	}

	private void rejectOverloaded(HttpServletRequest request, HttpServletResponse response) throws IOException {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The service is handling as many requests as it can; retry shortly.");
		problem.setType(OVERLOADED);
		problem.setTitle("Overloaded");
		this.problems.write(request, response, problem, 1L);
	}

	private static String normalizeBasePath(String path) {
		String trimmed = path.trim();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		if (trimmed.isEmpty()) {
			return "";
		}
		return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
	}

	/** A rate-limit bucket; a {@code null} bucket (its settings were invalid) lets everything through. */
	private record Allowance(@Nullable Bucket bucket) {
	}

	/** Identifies a bucket by its settings too, so that changed settings get a fresh one. */
	private record BucketKey(String endpoint, @Nullable String caller, int limit, Duration period) {
	}

	private record RateLimitRejection(String endpoint, long retryAfterSeconds) {
	}

	private record ConcurrencyState(ConcurrencySettings settings, @Nullable SimpleLimiter<Void> limiter) {
	}

	/**
	 * A snapshot of the concurrency settings, to tell when the limiter must be rebuilt, with what
	 * the properties' own validation (the one binding runs) found wrong in them, if anything: the
	 * library's builders take any value.
	 */
	private record ConcurrencySettings(@Nullable Mode mode, int fixedLimit, int initialLimit, int minLimit,
			int maxLimit, double rttTolerance, double smoothing, @Nullable String invalid) {

		static ConcurrencySettings of(Concurrency concurrency) {
			SimpleErrors errors = new SimpleErrors(concurrency);
			concurrency.validate(PlatformInboundProperties.PREFIX + ".concurrency", errors);
			String invalid = errors.hasErrors() ? errors.getAllErrors()
				.stream()
				.map(ObjectError::getDefaultMessage)
				.collect(Collectors.joining("; ")) : null;
			return new ConcurrencySettings(concurrency.getMode(), concurrency.getFixedLimit(),
					concurrency.getInitialLimit(), concurrency.getMinLimit(), concurrency.getMaxLimit(),
					concurrency.getRttTolerance(), concurrency.getSmoothing(), invalid);
		}

		@Nullable SimpleLimiter<Void> newLimiter(LongSupplier nanoClock, LimiterCallCounts callCounts) {
			if (this.invalid != null) {
				throw new IllegalArgumentException(this.invalid);
			}
			if (this.mode == null || this.mode == Mode.NONE) {
				return null;
			}
			Limit limit = (this.mode == Mode.FIXED) ? FixedLimit.of(this.fixedLimit)
					: Gradient2Limit.newBuilder()
						.initialLimit(this.initialLimit)
						.minLimit(this.minLimit)
						.maxConcurrency(this.maxLimit)
						.rttTolerance(this.rttTolerance)
						.smoothing(this.smoothing)
						.build();
			return SimpleLimiter.newBuilder()
				.named("inbound")
				.limit(limit)
				.nanoClock(nanoClock)
				.metricRegistry(callCounts)
				.build();
		}

	}

	/** Bucket4j's clock, read from the filter's own so that tests can move time. */
	private record NanoClockTimeMeter(LongSupplier nanoClock) implements TimeMeter {

		@Override
		public long currentTimeNanos() {
			return this.nanoClock.getAsLong();
		}

		@Override
		public boolean isWallClockBased() {
			return false;
		}

	}

	/**
	 * A request's hold on the concurrency limiter: only the first of its ends counts (a
	 * finally block and an async listener may both report one), as the library's listener
	 * must be told exactly once.
	 */
	private static final class Permit {

		private final Limiter.Listener listener;

		private final AtomicBoolean done = new AtomicBoolean();

		Permit(Limiter.Listener listener) {
			this.listener = listener;
		}

		void release() {
			if (this.done.compareAndSet(false, true)) {
				this.listener.onSuccess();
			}
		}

		void drop() {
			if (this.done.compareAndSet(false, true)) {
				this.listener.onDropped();
			}
		}

	}

	/**
	 * Completes the permit of an asynchronous request when it finishes, following the
	 * request through further asynchronous cycles.
	 */
	private static final class PermitCompletingListener implements AsyncListener {

		private final Permit permit;

		private final HttpServletResponse response;

		PermitCompletingListener(Permit permit, HttpServletResponse response) {
			this.permit = permit;
			this.response = response;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			complete(this.permit, this.response.getStatus());
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			this.permit.drop();
		}

		@Override
		public void onError(AsyncEvent event) {
			this.permit.drop();
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			event.getAsyncContext().addListener(this);
		}

	}

}
