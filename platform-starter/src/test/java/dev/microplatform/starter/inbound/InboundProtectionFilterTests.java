package dev.microplatform.starter.inbound;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.microplatform.starter.inbound.PlatformInboundProperties.Concurrency.Mode;
import dev.microplatform.starter.inbound.PlatformInboundProperties.RateLimit;
import dev.microplatform.starter.problem.ProblemSerializer;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link InboundProtectionFilter}.
 */
class InboundProtectionFilterTests {

	private static final Duration LONG_PERIOD = Duration.ofHours(1);

	private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);

	private final AtomicLong clock = new AtomicLong(1_000 * MILLIS);

	private final PlatformInboundProperties properties = new PlatformInboundProperties();

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final ExecutorService executor = Executors.newFixedThreadPool(24);

	@AfterEach
	void shutdownExecutor() {
		this.executor.shutdownNow();
	}

	@Test
	void ofNPlusKRequestsInOnePeriodExactlyNPassAndKGetTooManyRequests() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 5, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		List<MockHttpServletResponse> responses = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			responses.add(perform(filter, "/greetings", null));
		}
		assertThat(responses).extracting(MockHttpServletResponse::getStatus)
			.containsExactly(200, 200, 200, 200, 200, 429, 429, 429);
		for (MockHttpServletResponse rejected : responses.subList(5, 8)) {
			assertThat(rejected.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			assertThat(Long.parseLong(rejected.getHeader("Retry-After"))).isBetween(1L, LONG_PERIOD.toSeconds());
			JsonNode problem = this.jsonMapper.readTree(rejected.getContentAsByteArray());
			assertThat(problem.get("type").asString()).isEqualTo("urn:problem-type:platform:rate-limited");
			assertThat(problem.get("title").asString()).isEqualTo("Rate limited");
			assertThat(problem.get("status").asInt()).isEqualTo(429);
			assertThat(problem.get("detail").asString()).contains("'greetings'");
			assertThat(problem.get("endpoint").asString()).isEqualTo("greetings");
			assertThat(problem.get("instance").asString()).isEqualTo("/greetings");
			assertThat(rejected.getContentAsString()).doesNotContain("Exception").doesNotContain("\tat ");
		}
	}

	@Test
	void tokensComeBackOneAtATimeAtTheLimitPerPeriodAndNeverMoreThanTheLimitAtOnce() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 3, Duration.ofSeconds(3), true)));
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/greetings", null, 4)).containsExactly(200, 200, 200, 429);
		// Three per three seconds: one more each second
		this.clock.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(statuses(filter, "/greetings", null, 2)).containsExactly(200, 429);
		// However long the endpoint was idle, a burst is at most the limit
		this.clock.addAndGet(Duration.ofMinutes(10).toNanos());
		assertThat(statuses(filter, "/greetings", null, 4)).containsExactly(200, 200, 200, 429);
	}

	@Test
	void noMoreThanTheLimitPassesAcrossWhatAFixedWindowWouldCallItsBoundary() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 10, Duration.ofSeconds(10), true)));
		InboundProtectionFilter filter = filter();
		// Idle until just before a fixed window would end, then the whole limit at once...
		this.clock.addAndGet(Duration.ofMillis(9_900).toNanos());
		assertThat(statuses(filter, "/greetings", null, 10)).containsOnly(200);
		// ...and just after it would have begun again: a fixed window would let ten more through
		this.clock.addAndGet(Duration.ofMillis(200).toNanos());
		assertThat(statuses(filter, "/greetings", null, 10)).containsOnly(429);
		this.clock.addAndGet(Duration.ofMillis(800).toNanos());
		assertThat(statuses(filter, "/greetings", null, 2)).containsExactly(200, 429);
	}

	@Test
	void retryAfterIsTheWholeSecondsUntilTheNextToken() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, Duration.ofSeconds(90), true)));
		InboundProtectionFilter filter = filter();
		perform(filter, "/greetings", null);
		assertThat(perform(filter, "/greetings", null).getHeader("Retry-After")).isEqualTo("90");
		this.clock.addAndGet(Duration.ofMillis(30_500).toNanos());
		// Ceiling of the 59.5 s left
		assertThat(perform(filter, "/greetings", null).getHeader("Retry-After")).isEqualTo("60");
		rateLimits(Map.of("greetings", rateLimit("/greetings", 4, Duration.ofSeconds(2), true)));
		statuses(filter, "/greetings", null, 4);
		assertThat(perform(filter, "/greetings", null).getHeader("Retry-After")).isEqualTo("1");
	}

	@Test
	void eachCallerHasItsOwnBucket() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 2, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/greetings", "consumer-a", 3)).containsExactly(200, 200, 429);
		assertThat(statuses(filter, "/greetings", "consumer-b", 3)).containsExactly(200, 200, 429);
		// Requests that name no caller share one bucket
		assertThat(statuses(filter, "/greetings", null, 3)).containsExactly(200, 200, 429);
	}

	@Test
	void callersShareTheBucketWhenNotLimitedPerCaller() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 2, LONG_PERIOD, false)));
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/greetings", "consumer-a", 1)).containsExactly(200);
		assertThat(statuses(filter, "/greetings", "consumer-b", 2)).containsExactly(200, 429);
	}

	@Test
	void theCallerHeaderIsConfigurable() throws Exception {
		this.properties.setCallerHeader("X-Consumer");
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		assertThat(perform(filter, "/greetings", "X-Consumer", "a").getStatus()).isEqualTo(200);
		assertThat(perform(filter, "/greetings", "X-Consumer", "b").getStatus()).isEqualTo(200);
		assertThat(perform(filter, "/greetings", "X-Consumer", "a").getStatus()).isEqualTo(429);
	}

	@Test
	void theFirstMatchingEntryCountsAndOtherPathsAreNotLimited() throws Exception {
		Map<String, RateLimit> rateLimits = new LinkedHashMap<>();
		rateLimits.put("order-details", rateLimit("/orders/{id}", 1, LONG_PERIOD, true));
		rateLimits.put("orders", rateLimit("/orders/**", 2, LONG_PERIOD, true));
		rateLimits(rateLimits);
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/orders/42", null, 2)).containsExactly(200, 429);
		assertThat(this.jsonMapper.readTree(perform(filter, "/orders/7", null).getContentAsByteArray())
			.get("endpoint")
			.asString()).isEqualTo("order-details");
		assertThat(statuses(filter, "/orders/42/lines", null, 3)).containsExactly(200, 200, 429);
		assertThat(statuses(filter, "/greetings", null, 5)).containsOnly(200);
	}

	@Test
	void actuatorPathsAreNeverLimited() throws Exception {
		rateLimits(Map.of("everything", rateLimit("/**", 1, LONG_PERIOD, false)));
		this.properties.getConcurrency().setMode(Mode.FIXED);
		this.properties.getConcurrency().setFixedLimit(1);
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/actuator/health", null, 5)).containsOnly(200);
		assertThat(statuses(filter, "/actuator", null, 2)).containsOnly(200);
		assertThat(statuses(filter, "/greetings", null, 2)).containsExactly(200, 429);
		// A path that merely starts like the base path is the service's own
		assertThat(statuses(filter, "/actuatorish", null, 1)).containsExactly(429);
	}

	@Test
	void actuatorPathsAreNotLimitedWhileTheServiceIsOverloaded() throws Exception {
		this.properties.getConcurrency().setMode(Mode.FIXED);
		this.properties.getConcurrency().setFixedLimit(1);
		InboundProtectionFilter filter = filter();
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<MockHttpServletResponse> held = this.executor
			.submit(() -> performWith(filter, "/greetings", holdingChain(entered, release)));
		assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(perform(filter, "/greetings", null).getStatus()).isEqualTo(503);
		assertThat(perform(filter, "/actuator/health", null).getStatus()).isEqualTo(200);
		release.countDown();
		assertThat(held.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
	}

	@Test
	void fourTimesTheFixedLimitConcurrentlyRejectsExactlyTheExcessAtOnce() throws Exception {
		int limit = 5;
		this.properties.getConcurrency().setMode(Mode.FIXED);
		this.properties.getConcurrency().setFixedLimit(limit);
		InboundProtectionFilter filter = filter();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		filter.bindTo(registry);
		CountDownLatch entered = new CountDownLatch(limit);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorCompletionService<MockHttpServletResponse> completion = new ExecutorCompletionService<>(
				this.executor);
		for (int i = 0; i < 4 * limit; i++) {
			completion.submit(() -> performWith(filter, "/greetings", holdingChain(entered, release)));
		}
		// The admitted requests are held in the chain; every other one is answered without waiting
		assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		for (int i = 0; i < 3 * limit; i++) {
			Future<MockHttpServletResponse> rejected = completion.poll(5, TimeUnit.SECONDS);
			assertThat(rejected).as("rejection %d", i).isNotNull();
			MockHttpServletResponse response = rejected.get();
			assertThat(response.getStatus()).isEqualTo(503);
			assertThat(response.getHeader("Retry-After")).isEqualTo("1");
			assertThat(response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			JsonNode problem = this.jsonMapper.readTree(response.getContentAsByteArray());
			assertThat(problem.get("type").asString()).isEqualTo("urn:problem-type:platform:overloaded");
			assertThat(problem.get("status").asInt()).isEqualTo(503);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		SimpleLimiter<Void> limiter = filter.concurrencyLimiter().orElseThrow();
		assertThat(limiter.getInflight()).isEqualTo(limit);
		assertThat(registry.get("platform.inbound.concurrency.in.flight").gauge().value()).isEqualTo(limit);
		assertThat(registry.get("platform.inbound.concurrency.limit").gauge().value()).isEqualTo(limit);
		assertThat(registry.get("platform.inbound.concurrency.rejected").functionCounter().count()).isEqualTo(3 * limit);
		// Once the held requests complete, their permits are back
		release.countDown();
		for (int i = 0; i < limit; i++) {
			assertThat(completion.take().get().getStatus()).isEqualTo(200);
		}
		assertThat(limiter.getInflight()).isZero();
		assertThat(registry.get("platform.inbound.concurrency.in.flight").gauge().value()).isZero();
		assertThat(statuses(filter, "/greetings", null, limit)).containsOnly(200);
	}

	@Test
	void noneModeAdmitsAllConcurrentRequests() throws Exception {
		this.properties.getConcurrency().setMode(Mode.NONE);
		InboundProtectionFilter filter = filter();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		filter.bindTo(registry);
		assertThat(filter.concurrencyLimiter()).isEmpty();
		int requests = 20;
		CountDownLatch entered = new CountDownLatch(requests);
		CountDownLatch release = new CountDownLatch(1);
		List<Future<MockHttpServletResponse>> responses = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			responses.add(this.executor.submit(() -> performWith(filter, "/greetings", holdingChain(entered, release))));
		}
		assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
		release.countDown();
		for (Future<MockHttpServletResponse> response : responses) {
			assertThat(response.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
		}
		assertThat(registry.get("platform.inbound.concurrency.limit").gauge().value()).isNaN();
		assertThat(registry.get("platform.inbound.concurrency.rejected").functionCounter().count()).isZero();
	}

	@Test
	void permitIsReleasedAfterASuccessAndDroppedAfterAnErrorOrAnException() throws Exception {
		this.properties.getConcurrency().setMode(Mode.ADAPTIVE);
		this.properties.getConcurrency().setInitialLimit(50);
		InboundProtectionFilter filter = filter();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		filter.bindTo(registry);
		SimpleLimiter<Void> limiter = filter.concurrencyLimiter().orElseThrow();
		performWith(filter, "/greetings", chainAnswering(200));
		// A success with little in flight leaves the limit alone (Gradient2Limit: the service is not the bound)
		assertThat(limiter.getLimit()).isEqualTo(50);
		assertThat(dropped(registry)).isZero();
		performWith(filter, "/greetings", chainAnswering(500));
		assertThat(dropped(registry)).isEqualTo(1);
		assertThatIllegalStateException().isThrownBy(() -> performWith(filter, "/greetings", (request, response) -> {
			throw new IllegalStateException("boom");
		}));
		assertThat(dropped(registry)).isEqualTo(2);
		assertThat(limiter.getInflight()).isZero();
		performWith(filter, "/greetings", chainAnswering(404));
		assertThat(dropped(registry)).isEqualTo(2);
		assertThat(limiter.getInflight()).isZero();
	}

	@Test
	void anAdaptiveLimitShrinksWhenLatencyRisesUnderLoadThenFollowsALastingChangeWithinItsBounds() throws Exception {
		this.properties.getConcurrency().setMode(Mode.ADAPTIVE);
		this.properties.getConcurrency().setInitialLimit(20);
		this.properties.getConcurrency().setMinLimit(5);
		this.properties.getConcurrency().setMaxLimit(40);
		AtomicLong now = new AtomicLong();
		InboundProtectionFilter filter = new InboundProtectionFilter(() -> this.properties, "/actuator",
				ProblemSerializer.minimal(), now::get);
		SimpleLimiter<Void> limiter = filter.concurrencyLimiter().orElseThrow();
		// Rounds of 15 concurrent requests (over half the limit, so the samples count) that take 10 ms...
		for (int round = 0; round < 50; round++) {
			concurrentRound(limiter, now, 15, Duration.ofMillis(10));
		}
		int settled = limiter.getLimit();
		assertThat(settled).isBetween(20, 40);
		// ...then ten times as long: requests queue in the service, and the limit comes down towards its floor
		for (int round = 0; round < 5; round++) {
			concurrentRound(limiter, now, Math.max(1, limiter.getLimit() * 3 / 4), Duration.ofMillis(100));
		}
		assertThat(limiter.getLimit()).isLessThan(settled / 2).isGreaterThanOrEqualTo(5);
		// A latency that lasts becomes the new baseline, and the limit grows back, never past its ceiling
		for (int round = 0; round < 60; round++) {
			concurrentRound(limiter, now, Math.max(1, limiter.getLimit() * 3 / 4), Duration.ofMillis(100));
		}
		assertThat(limiter.getLimit()).isGreaterThanOrEqualTo(settled).isLessThanOrEqualTo(40);
	}

	private static void concurrentRound(SimpleLimiter<Void> limiter, AtomicLong now, int requests, Duration latency) {
		List<com.netflix.concurrency.limits.Limiter.Listener> listeners = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			limiter.acquire(null).ifPresent(listeners::add);
		}
		now.addAndGet(latency.toNanos());
		listeners.forEach(com.netflix.concurrency.limits.Limiter.Listener::onSuccess);
	}

	private static double dropped(SimpleMeterRegistry registry) {
		return registry.get("platform.inbound.concurrency.dropped").functionCounter().count();
	}

	@Test
	void permitOfAnAsyncRequestIsHeldUntilTheRequestCompletes() throws Exception {
		this.properties.getConcurrency().setMode(Mode.FIXED);
		this.properties.getConcurrency().setFixedLimit(1);
		InboundProtectionFilter filter = filter();
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/greetings");
		request.setAsyncSupported(true);
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, (req, res) -> req.startAsync());
		SimpleLimiter<Void> limiter = filter.concurrencyLimiter().orElseThrow();
		assertThat(limiter.getInflight()).isEqualTo(1);
		assertThat(perform(filter, "/greetings", null).getStatus()).isEqualTo(503);
		((MockAsyncContext) request.getAsyncContext()).complete();
		assertThat(limiter.getInflight()).isZero();
		assertThat(perform(filter, "/greetings", null).getStatus()).isEqualTo(200);
	}

	@Test
	void rateLimitedRequestsDoNotTakeAConcurrencyPermit() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		this.properties.getConcurrency().setMode(Mode.FIXED);
		InboundProtectionFilter filter = filter();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		filter.bindTo(registry);
		assertThat(statuses(filter, "/greetings", null, 3)).containsExactly(200, 429, 429);
		assertThat(registry.get("platform.inbound.concurrency.rejected").functionCounter().count()).isZero();
	}

	@Test
	void countsRateLimitedRequestsByEndpointWithoutTheCaller() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		filter.bindTo(registry);
		statuses(filter, "/greetings", "consumer-a", 3);
		statuses(filter, "/greetings", "consumer-b", 2);
		assertThat(registry.get("platform.inbound.rate.limited").counters()).singleElement().satisfies((counter) -> {
			assertThat(counter.getId().getTags()).extracting("key").containsExactly("endpoint");
			assertThat(counter.getId().getTag("endpoint")).isEqualTo("greetings");
			assertThat(counter.count()).isEqualTo(3);
		});
	}

	@Test
	void changedRateLimitsApplyToTheNextRequest() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/greetings", null, 2)).containsExactly(200, 429);
		rateLimits(Map.of("greetings", rateLimit("/greetings", 3, LONG_PERIOD, true)));
		assertThat(statuses(filter, "/greetings", null, 4)).containsExactly(200, 200, 200, 429);
		rateLimits(Map.of());
		assertThat(statuses(filter, "/greetings", null, 3)).containsOnly(200);
	}

	@Test
	void changedConcurrencySettingsApplyToTheNextRequest() throws Exception {
		this.properties.getConcurrency().setMode(Mode.FIXED);
		this.properties.getConcurrency().setFixedLimit(3);
		InboundProtectionFilter filter = filter();
		assertThat(filter.concurrencyLimiter().orElseThrow().getLimit()).isEqualTo(3);
		this.properties.getConcurrency().setFixedLimit(7);
		assertThat(filter.concurrencyLimiter().orElseThrow().getLimit()).isEqualTo(7);
		this.properties.getConcurrency().setMode(Mode.NONE);
		assertThat(filter.concurrencyLimiter()).isEmpty();
		// Invalid settings (which fail the binding) keep the last good limiter
		this.properties.getConcurrency().setMode(Mode.FIXED);
		this.properties.getConcurrency().setFixedLimit(0);
		assertThat(filter.concurrencyLimiter()).isEmpty();
		this.properties.getConcurrency().setFixedLimit(2);
		assertThat(filter.concurrencyLimiter().orElseThrow().getLimit()).isEqualTo(2);
	}

	@Test
	void disablingLetsEverythingThrough() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		assertThat(statuses(filter, "/greetings", null, 2)).containsExactly(200, 429);
		this.properties.setEnabled(false);
		assertThat(statuses(filter, "/greetings", null, 3)).containsOnly(200);
	}

	@Test
	void pathsAreMatchedWithinTheContextPath() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		InboundProtectionFilter filter = filter();
		for (int expected : new int[] { 200, 429 }) {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/greetings");
			request.setContextPath("/app");
			MockHttpServletResponse response = new MockHttpServletResponse();
			filter.doFilter(request, response, new MockFilterChain());
			assertThat(response.getStatus()).isEqualTo(expected);
		}
	}

	@Test
	void aFailingSerializerStillGivesAMinimalProblem() throws Exception {
		rateLimits(Map.of("greetings", rateLimit("/greetings", 1, LONG_PERIOD, true)));
		InboundProtectionFilter filter = new InboundProtectionFilter(() -> this.properties, "/actuator", (problem) -> {
			throw new IllegalStateException("no JSON today");
		}, this.clock::get);
		perform(filter, "/greetings", null);
		MockHttpServletResponse rejected = perform(filter, "/greetings", null);
		assertThat(rejected.getStatus()).isEqualTo(429);
		assertThat(rejected.getContentAsString()).doesNotContain("no JSON today");
		assertThat(this.jsonMapper.readTree(rejected.getContentAsByteArray()).get("endpoint").asString())
			.isEqualTo("greetings");
	}

	@Test
	void minimalSerializerWritesValidJsonWithTheStandardMembersAndProperties() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				"quote \" backslash \\ newline \n control \u0001");
		problem.setTitle("Rate limited");
		problem.setProperty("endpoint", "greet\"ings");
		problem.setProperty("count", 3);
		JsonNode json = this.jsonMapper.readTree(ProblemSerializer.minimal().serialize(problem));
		assertThat(json.get("status").asInt()).isEqualTo(429);
		assertThat(json.get("status").isNumber()).isTrue();
		assertThat(json.get("detail").asString()).isEqualTo("quote \" backslash \\ newline \n control \u0001");
		assertThat(json.get("endpoint").asString()).isEqualTo("greet\"ings");
		assertThat(json.get("count").asInt()).isEqualTo(3);
		assertThat(json.has("instance")).isFalse();
	}

	private InboundProtectionFilter filter() {
		return new InboundProtectionFilter(() -> this.properties, "/actuator", ProblemSerializer.minimal(), this.clock::get);
	}

	private void rateLimits(Map<String, RateLimit> rateLimits) {
		this.properties.setRateLimits(rateLimits);
	}

	private static RateLimit rateLimit(String path, int limit, Duration period, boolean perCaller) {
		RateLimit rateLimit = new RateLimit();
		rateLimit.setPath(path);
		rateLimit.setLimit(limit);
		rateLimit.setPeriod(period);
		rateLimit.setPerCaller(perCaller);
		return rateLimit;
	}

	private List<Integer> statuses(InboundProtectionFilter filter, String path, String caller, int requests)
			throws Exception {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			statuses.add(perform(filter, path, caller).getStatus());
		}
		return statuses;
	}

	private static MockHttpServletResponse perform(InboundProtectionFilter filter, String path, String caller)
			throws IOException, ServletException {
		return perform(filter, path, "X-Caller-Id", caller);
	}

	private static MockHttpServletResponse perform(InboundProtectionFilter filter, String path, String header,
			String caller) throws IOException, ServletException {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		if (caller != null) {
			request.addHeader(header, caller);
		}
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(request, response, new MockFilterChain());
		return response;
	}

	private static MockHttpServletResponse performWith(InboundProtectionFilter filter, String path, FilterChain chain)
			throws IOException, ServletException {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("GET", path), response, chain);
		return response;
	}

	private static FilterChain holdingChain(CountDownLatch entered, CountDownLatch release) {
		return (request, response) -> {
			entered.countDown();
			try {
				if (!release.await(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("Not released in time");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ServletException(ex);
			}
		};
	}

	private static FilterChain chainAnswering(int status) {
		return (request, response) -> ((HttpServletResponse) response).setStatus(status);
	}

}
