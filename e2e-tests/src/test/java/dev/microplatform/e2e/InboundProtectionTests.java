package dev.microplatform.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service protects itself with the starter's inbound limits, configured by properties only: one
 * extra salutation-service instance, kept out of Consul so no other traffic reaches it, with a rate
 * limit of 10 per 30 s per caller and a fixed concurrency limit of 4.
 */
class InboundProtectionTests {

	private static final int RATE_LIMIT = 10;

	private static final int CONCURRENCY_LIMIT = 4;

	@RegisterExtension
	static final UnlistedInstance salutation = UnlistedInstance.of("salutation-service",
			"--platform.inbound.rate-limits.salutations.path=/salutations",
			"--platform.inbound.rate-limits.salutations.limit=" + RATE_LIMIT,
			"--platform.inbound.rate-limits.salutations.period=30s", "--platform.inbound.concurrency.mode=fixed",
			"--platform.inbound.concurrency.fixed-limit=" + CONCURRENCY_LIMIT);

	private static URI base;

	@BeforeAll
	static void awaitQuietMachine() {
		base = salutation.base();
		Platform.awaitQuietMachine();
	}

	@Test
	void ofNPlusKRequestsInOnePeriodExactlyNPassAndTheRestGet429WithRetryAfter() {
		String caller = "rate-test-" + UUID.randomUUID();
		List<HttpResponse<String>> responses = new ArrayList<>();
		for (int i = 0; i < RATE_LIMIT + 5; i++) {
			responses.add(salutation(caller));
		}
		assertThat(responses).filteredOn((response) -> response.statusCode() == 200).hasSize(RATE_LIMIT);
		List<HttpResponse<String>> limited = responses.stream().filter((r) -> r.statusCode() == 429).toList();
		assertThat(limited).hasSize(5).allSatisfy((response) -> {
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow()))
				.as("Retry-After, seconds").isBetween(1L, 30L);
			assertThat((Integer) JsonPath.read(response.body(), "$.status")).isEqualTo(429);
			assertThat((String) JsonPath.read(response.body(), "$.endpoint")).isEqualTo("salutations");
		});
		assertThat(salutation("another-caller-" + UUID.randomUUID()).statusCode())
			.as("another caller has a bucket of its own").isEqualTo(200);
	}

	@Test
	void excessConcurrentCallsAreRejectedFastAndAdmittedOnesKeepTheirLatency() throws Exception {
		int calls = 4 * CONCURRENCY_LIMIT;
		ExecutorService pool = Executors.newFixedThreadPool(calls);
		try {
			// What a running service has warm: its code for admission and rejection compiled, which a
			// JVM this fresh interprets for its first few hundred requests (then a 503 took 30 to 65
			// ms on two cores), and its request threads started. Then a first burst with the
			// downstream slow, the second is measured.
			warmUp(pool, calls, 25);
			Platform.injectFault(base, 500, 0);
			burst(pool, calls);
			List<long[]> outcomes = burst(pool, calls);
			List<long[]> admitted = outcomes.stream().filter((o) -> o[0] == 200).toList();
			List<long[]> rejected = outcomes.stream().filter((o) -> o[0] == 503).toList();
			assertThat(admitted).as("admitted calls").hasSize(CONCURRENCY_LIMIT);
			assertThat(rejected).as("rejected calls").hasSize(calls - CONCURRENCY_LIMIT);
			assertThat(rejected).allSatisfy((o) -> assertThat(o[1]).as("ms to a 503").isLessThan(50));
			assertThat(admitted).allSatisfy((o) -> assertThat(o[1]).as("ms to a 200").isBetween(500L, 800L));
		}
		finally {
			pool.shutdownNow();
			Platform.send(HttpRequest.newBuilder(base.resolve("/actuator/faults")).DELETE().build());
		}
	}

	/** {@code callers} callers each ask {@code times} salutations in a row, more at once than the limit. */
	private static void warmUp(ExecutorService pool, int callers, int times) throws Exception {
		List<Future<?>> done = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			done.add(pool.submit(() -> {
				for (int j = 0; j < times; j++) {
					salutation("warm-up-" + UUID.randomUUID());
				}
			}));
		}
		for (Future<?> caller : done) {
			caller.get(60, TimeUnit.SECONDS);
		}
	}

	/** Status and milliseconds of each of {@code calls} salutations sent at once. */
	private static List<long[]> burst(ExecutorService pool, int calls) throws Exception {
		CountDownLatch connected = new CountDownLatch(calls);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<long[]>> results = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			results.add(pool.submit(() -> {
				Platform.TimedResponse response = Platform.timedGet(base, "/salutations?lang=fr",
						Map.of("X-Caller-Id", "concurrency-" + UUID.randomUUID()), connected, start);
				return new long[] { response.statusCode(), response.millis() };
			}));
		}
		// Every caller connected before they all send
		assertThat(connected.await(10, TimeUnit.SECONDS)).as("callers connected").isTrue();
		start.countDown();
		List<long[]> outcomes = new ArrayList<>();
		for (Future<long[]> result : results) {
			outcomes.add(result.get(30, TimeUnit.SECONDS));
		}
		return outcomes;
	}

	private static HttpResponse<String> salutation(String caller) {
		return Platform.get(base, "/salutations?lang=fr", Map.of("X-Caller-Id", caller));
	}

}
