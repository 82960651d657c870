package dev.microplatform.starter.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link PeakEwmaChooser}.
 */
class PeakEwmaChooserTests {

	private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long SECONDS = TimeUnit.SECONDS.toNanos(1);

	private static final Duration DECAY = Duration.ofSeconds(10);

	private static final Function<String, String> ID = Function.identity();

	private final TestClock clock = new TestClock();

	private final PeakEwmaChooser chooser = new PeakEwmaChooser(DECAY, this.clock::nanos, seeded(42));

	@Test
	void aCancelledRequestIsNoLongerPendingAndLeavesTheCostAsItWas() {
		this.chooser.onStart("a");
		this.chooser.onComplete("a", 5 * MILLIS);
		double answered = this.chooser.load("a");
		this.chooser.onStart("a");
		this.chooser.onStart("b");
		assertThat(this.chooser.load("b")).as("pending, never answered").isGreaterThan(1e14);
		this.clock.advance(500 * MILLIS);
		this.chooser.onCancel("a");
		this.chooser.onCancel("b");
		assertThat(this.chooser.load("a")).isPositive().isLessThanOrEqualTo(answered);
		assertThat(this.chooser.load("b")).isZero();
	}

	@Test
	void chooseFromEmptyListReturnsNull() {
		assertThat(this.chooser.choose(List.<String>of(), ID)).isNull();
	}

	@Test
	void chooseFromSingletonListReturnsItEvenIfSlow() {
		this.chooser.onComplete("a", 5 * SECONDS);
		assertThat(this.chooser.choose(List.of("a"), ID)).isEqualTo("a");
	}

	@Test
	void choosesTheFastInstanceAtLeastNineTimesInTen() {
		Map<String, Long> rtts = Map.of("fast", 1 * MILLIS, "slow", 100 * MILLIS);
		// A few observations of each
		for (int i = 0; i < 3; i++) {
			request("fast", rtts.get("fast"));
			request("slow", rtts.get("slow"));
		}
		Map<String, Integer> counts = simulate(List.of("fast", "slow"), rtts, 1000, MILLIS / 2);
		assertThat(counts.getOrDefault("fast", 0)).isGreaterThanOrEqualTo(900);
	}

	@Test
	void slowInstanceAmongManyIsAlmostNeverChosen() {
		Map<String, Long> rtts = new HashMap<>();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			ids.add("i" + i);
			rtts.put("i" + i, (i == 3) ? 100 * MILLIS : 1 * MILLIS);
		}
		// Every instance starts unseen, so the slow one is tried before its cost is known
		Map<String, Integer> counts = simulate(ids, rtts, 1000, MILLIS / 2);
		assertThat(counts.getOrDefault("i3", 0)).isBetween(1, 10);
	}

	@Test
	void slowInstanceIsPenalisedAfterOneSlowObservation() {
		for (int i = 0; i < 10; i++) {
			request("a", 1 * MILLIS);
			request("b", 1 * MILLIS);
		}
		assertThat(this.chooser.load("b")).isCloseTo(1 * MILLIS, within(0.01 * MILLIS));
		this.chooser.onStart("b");
		this.chooser.onComplete("b", 100 * MILLIS);
		assertThat(this.chooser.load("b")).isEqualTo(100.0 * MILLIS);
		for (int i = 0; i < 100; i++) {
			assertThat(this.chooser.choose(List.of("b", "a"), ID)).isEqualTo("a");
		}
	}

	@Test
	void fastObservationsOnlyPullTheCostDownGradually() {
		this.chooser.onComplete("a", 100 * MILLIS);
		this.clock.advance(1 * MILLIS);
		this.chooser.onComplete("a", 1 * MILLIS);
		// 1 ms after a 100 ms answer, with a 10 s decay, the fast answer barely counts
		assertThat(this.chooser.load("a")).isGreaterThan(99.0 * MILLIS);
	}

	@Test
	void costDecaysBackTowardsFastValuesWhenTheInstanceRecovers() {
		request("a", 1 * MILLIS);
		request("a", 100 * MILLIS);
		double previous = this.chooser.load("a");
		assertThat(previous).isEqualTo(100.0 * MILLIS);
		for (int i = 0; i < 60; i++) {
			this.clock.advance(1 * SECONDS);
			request("a", 1 * MILLIS);
			double current = this.chooser.load("a");
			assertThat(current).isLessThan(previous);
			previous = current;
		}
		// 60 s is six decay periods: e^-6 of the excess is left
		assertThat(this.chooser.load("a")).isCloseTo(1.0 * MILLIS, within(0.5 * MILLIS));
	}

	@Test
	void costDecaysWithoutObservationsSoASlowInstanceIsRetriedEventually() {
		request("fast", 1 * MILLIS);
		request("slow", 100 * MILLIS);
		assertThat(this.chooser.choose(List.of("fast", "slow"), ID)).isEqualTo("fast");
		// The fast one keeps answering in 1 ms while the slow one is not chosen
		for (int i = 0; i < 50; i++) {
			this.clock.advance(1 * SECONDS);
			request("fast", 1 * MILLIS);
		}
		// After 50 s (5 decays) 100 ms has decayed below 1 ms
		assertThat(this.chooser.load("slow")).isLessThan(1.0 * MILLIS);
		assertThat(this.chooser.choose(List.of("fast", "slow"), ID)).isEqualTo("slow");
	}

	@Test
	void pendingRequestsRaiseTheLoad() {
		request("a", 10 * MILLIS);
		double idle = this.chooser.load("a");
		this.chooser.onStart("a");
		assertThat(this.chooser.load("a")).isEqualTo(2 * idle);
		this.chooser.onStart("a");
		this.chooser.onStart("a");
		assertThat(this.chooser.load("a")).isEqualTo(4 * idle);
		this.chooser.onComplete("a", 10 * MILLIS);
		this.chooser.onComplete("a", 10 * MILLIS);
		this.chooser.onComplete("a", 10 * MILLIS);
		assertThat(this.chooser.load("a")).isEqualTo(idle);
	}

	@Test
	void pendingRequestsSteerChoicesBetweenEqualInstances() {
		request("a", 10 * MILLIS);
		request("b", 10 * MILLIS);
		this.chooser.onStart("a");
		for (int i = 0; i < 20; i++) {
			assertThat(this.chooser.choose(List.of("a", "b"), ID)).isEqualTo("b");
		}
	}

	@Test
	void unseenInstanceIsTried() {
		request("a", 1 * MILLIS);
		assertThat(this.chooser.load("new")).isZero();
		for (int i = 0; i < 20; i++) {
			assertThat(this.chooser.choose(List.of("a", "new"), ID)).isEqualTo("new");
		}
	}

	@Test
	void instanceWithPendingRequestsButNoAnswerLooksMoreLoadedThanIdleOnes() {
		request("a", 1 * SECONDS);
		this.chooser.onStart("new");
		assertThat(this.chooser.load("new")).isGreaterThan(this.chooser.load("a"));
		assertThat(this.chooser.load("new")).isGreaterThan(this.chooser.load("unseen"));
		assertThat(this.chooser.choose(List.of("new", "a"), ID)).isEqualTo("a");
		assertThat(this.chooser.choose(List.of("new", "unseen"), ID)).isEqualTo("unseen");
		this.clock.advance(2 * MILLIS);
		this.chooser.onComplete("new", 2 * MILLIS);
		assertThat(this.chooser.load("new")).isEqualTo(2.0 * MILLIS);
		assertThat(this.chooser.choose(List.of("new", "a"), ID)).isEqualTo("new");
	}

	@Test
	void pausedInstanceWithStuckRequestsLooksSlowWithinAFewRequests() {
		for (int i = 0; i < 10; i++) {
			request("a", 1 * MILLIS);
			request("b", 1 * MILLIS);
		}
		// b stops answering: its requests never complete
		this.chooser.onStart("b");
		this.clock.advance(20 * MILLIS);
		// No answer for 20 ms although its cost says 1 ms
		assertThat(this.chooser.load("b")).isGreaterThanOrEqualTo(2 * 20.0 * MILLIS);
		for (int i = 0; i < 100; i++) {
			assertThat(this.chooser.choose(List.of("b", "a"), ID)).isEqualTo("a");
		}
	}

	@Test
	void ticksWhileIdleDoNotCountAsStuck() {
		request("a", 1 * MILLIS);
		this.clock.advance(1 * SECONDS);
		this.chooser.onStart("a");
		// Idle for 1 s before the request does not make it look slow
		assertThat(this.chooser.load("a")).isLessThan(2 * 1.0 * MILLIS);
	}

	@Test
	void choosesBothWhenLoadsAreEqual() {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < 1000; i++) {
			counts.merge(this.chooser.choose(List.of("a", "b", "c"), ID), 1, Integer::sum);
		}
		assertThat(counts).containsOnlyKeys("a", "b", "c");
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isBetween(250, 420));
	}

	@Test
	void choosesCandidatesOfAnyTypeByTheirId() {
		record Server(String id, int port) {
		}
		request("slow", 100 * MILLIS);
		request("fast", 1 * MILLIS);
		Server chosen = this.chooser.choose(List.of(new Server("slow", 1), new Server("fast", 2)), Server::id);
		assertThat(chosen.port()).isEqualTo(2);
	}

	@Test
	void forgetsInstancesNotSeenForLong() {
		request("old", 100 * MILLIS);
		this.chooser.onStart("busy");
		this.clock.advance(11 * DECAY.toNanos());
		// Any call past a sweep interval forgets the idle ones
		request("other", 1 * MILLIS);
		assertThat(this.chooser.load("old")).isZero();
		assertThat(this.chooser.load("busy")).isGreaterThan(0);
		this.chooser.onComplete("busy", 1 * MILLIS);
		this.clock.advance(11 * DECAY.toNanos());
		request("other", 1 * MILLIS);
		assertThat(this.chooser.load("busy")).isZero();
	}

	@Test
	void toleratesCompletionWithoutStartAndNegativeRtt() {
		this.chooser.onComplete("a", -5);
		assertThat(this.chooser.load("a")).isZero();
		this.chooser.onComplete("a", 3 * MILLIS);
		this.chooser.onStart("a");
		assertThat(this.chooser.load("a")).isEqualTo(2 * 3.0 * MILLIS);
	}

	@Test
	void rejectsNonPositiveDecay() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PeakEwmaChooser(Duration.ZERO, this.clock::nanos, seeded(1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PeakEwmaChooser(Duration.ofSeconds(-1), this.clock::nanos, seeded(1)));
	}

	@Test
	void concurrentUseKeepsPendingCountsConsistent() throws Exception {
		int threads = 4;
		int iterations = 5_000;
		List<String> ids = List.of("a", "b", "c");
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < iterations; i++) {
						String id = this.chooser.choose(ids, ID);
						this.chooser.onStart(id);
						this.chooser.onComplete(id, 5 * MILLIS);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		// Nothing is left pending: each load is the plain cost
		for (String id : ids) {
			assertThat(this.chooser.load(id)).isEqualTo(5.0 * MILLIS);
		}
	}

	/**
	 * Send a request to the instance and let it answer after the given time.
	 */
	private void request(String id, long rttNanos) {
		this.chooser.onStart(id);
		this.clock.advance(rttNanos);
		this.chooser.onComplete(id, rttNanos);
	}

	/**
	 * Simulate requests arriving at a fixed interval, each answered by its instance after
	 * that instance's round-trip time, so that requests overlap.
	 */
	private Map<String, Integer> simulate(List<String> ids, Map<String, Long> rtts, int requests,
			long intervalNanos) {
		record Completion(long at, String id, long rtt) {
		}
		PriorityQueue<Completion> inFlight = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
		Map<String, Integer> counts = new HashMap<>();
		long time = this.clock.nanos();
		for (int i = 0; i < requests; i++) {
			time += intervalNanos;
			while (!inFlight.isEmpty() && inFlight.peek().at() <= time) {
				Completion completion = inFlight.poll();
				this.clock.set(completion.at());
				this.chooser.onComplete(completion.id(), completion.rtt());
			}
			this.clock.set(time);
			String id = this.chooser.choose(ids, ID);
			counts.merge(id, 1, Integer::sum);
			this.chooser.onStart(id);
			long rtt = rtts.get(id);
			inFlight.add(new Completion(time + rtt, id, rtt));
		}
		return counts;
	}

	private static RandomGenerator seeded(long seed) {
		return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
	}

	/**
	 * A clock that only moves when told to.
	 */
	private static final class TestClock {

		private volatile long nanos = 1_000 * SECONDS;

		long nanos() {
			return this.nanos;
		}

		void advance(long delta) {
			this.nanos += delta;
		}

		void set(long nanos) {
			this.nanos = nanos;
		}

	}

}
