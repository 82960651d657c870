package dev.microplatform.e2e;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bulkhead on a service's calls to another (Resilience4j, through the starter): a greeter whose
 * bulkhead to salutation-service admits 4 calls at once, called 12 times at once while
 * salutation-service is slow, makes 4 calls; the other 8 get the fallback at once, without waiting
 * for a place. (A greeter of its own, not in Consul, so the demo's greeters keep their settings; its
 * own inbound concurrency limit off, so that only the bulkhead decides.)
 */
class ClientBulkheadTests {

	private static final int BULKHEAD = 4;

	/** Below the greeter's 300 ms read timeout to salutation-service (config-repo/greeter-service.yml). */
	private static final long SALUTATION_DELAY_MILLIS = 200;

	@RegisterExtension
	static final UnlistedInstance greeter = UnlistedInstance.of("greeter-service",
			"--resilience4j.bulkhead.instances.salutation-service.max-concurrent-calls=" + BULKHEAD,
			"--platform.inbound.concurrency.mode=none");

	private static URI base;

	@BeforeAll
	static void warmUp() {
		base = greeter.base();
		// Its code for calls and fallbacks compiled, its connections to salutation-service open
		for (int i = 0; i < 40; i++) {
			Platform.get(base, "/greetings?name=Warm");
		}
		Platform.awaitQuietMachine();
	}

	@AfterAll
	static void clearFaults() {
		Platform.clearFaults();
	}

	@Test
	void excessConcurrentCallsGetTheFallbackAtOnceAndTheAdmittedOnesReachTheTarget() throws Exception {
		int calls = 3 * BULKHEAD;
		ExecutorService pool = Executors.newFixedThreadPool(calls);
		try {
			Platform.SALUTATIONS.forEach((salutation) -> Platform.injectFault(salutation, SALUTATION_DELAY_MILLIS, 0));
			burst(pool, calls);
			List<Platform.TimedResponse> outcomes = burst(pool, calls);
			assertThat(outcomes).allSatisfy((outcome) -> assertThat(outcome.statusCode()).isEqualTo(200));
			List<Platform.TimedResponse> admitted = outcomes.stream().filter((o) -> !fallback(o)).toList();
			List<Platform.TimedResponse> refused = outcomes.stream().filter(ClientBulkheadTests::fallback).toList();
			assertThat(admitted).as("calls the bulkhead admitted").hasSize(BULKHEAD)
				.allSatisfy((o) -> assertThat(o.millis()).as("ms to a real salutation").isGreaterThanOrEqualTo(SALUTATION_DELAY_MILLIS));
			assertThat(refused).as("calls the bulkhead refused").hasSize(calls - BULKHEAD)
				.allSatisfy((o) -> assertThat(o.millis()).as("ms to a fallback").isLessThan(SALUTATION_DELAY_MILLIS / 2));
			assertThat(Platform.metric(base, "resilience4j_bulkhead_max_allowed_concurrent_calls",
					Map.of("name", "salutation-service"))).isEqualTo(BULKHEAD);
		}
		finally {
			pool.shutdownNow();
			Platform.clearFaults();
		}
	}

	private static boolean fallback(Platform.TimedResponse response) {
		return response.body().contains("\"fallback\":true");
	}

	/** {@code calls} greetings sent at the same moment, each on a connection of its own. */
	private static List<Platform.TimedResponse> burst(ExecutorService pool, int calls) throws Exception {
		CountDownLatch connected = new CountDownLatch(calls);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<Platform.TimedResponse>> futures = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			futures.add(pool.submit(() -> Platform.timedGet(base, "/greetings?name=Bulkhead", Map.of(), connected, go)));
		}
		assertThat(connected.await(10, TimeUnit.SECONDS)).as("callers connected").isTrue();
		go.countDown();
		List<Platform.TimedResponse> outcomes = new ArrayList<>();
		for (Future<Platform.TimedResponse> future : futures) {
			outcomes.add(future.get(30, TimeUnit.SECONDS));
		}
		return outcomes;
	}

}
