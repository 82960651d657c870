package dev.microplatform.starter.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.microplatform.starter.inbound.ConcurrencyLimiter.Permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConcurrencyLimiter}.
 */
class ConcurrencyLimiterTests {

	private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);

	private final AtomicLong clock = new AtomicLong(1_000_000 * MILLIS);

	private final ExecutorService executor = Executors.newFixedThreadPool(8);

	@AfterEach
	void shutdownExecutor() {
		this.executor.shutdownNow();
	}

	@Test
	void fixedLimitAdmitsExactlyNConcurrentPermitsAndRejectsTheRest() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(new FixedConcurrencyLimit(3), this.clock::get);
		List<Permit> permits = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Optional<Permit> permit = limiter.tryAcquire();
			assertThat(permit).isPresent();
			permits.add(permit.get());
		}
		assertThat(limiter.inFlight()).isEqualTo(3);
		assertThat(limiter.tryAcquire()).isEmpty();
		assertThat(limiter.tryAcquire()).isEmpty();
		assertThat(limiter.rejected()).isEqualTo(2);
		assertThat(limiter.inFlight()).isEqualTo(3);
		assertThat(limiter.limit()).isEqualTo(3);
	}

	@Test
	void releaseFreesASlot() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(new FixedConcurrencyLimit(1), this.clock::get);
		Permit permit = limiter.tryAcquire().orElseThrow();
		assertThat(limiter.tryAcquire()).isEmpty();
		permit.release();
		assertThat(limiter.inFlight()).isZero();
		assertThat(limiter.tryAcquire()).isPresent();
		assertThat(limiter.rejected()).isEqualTo(1);
	}

	@Test
	void dropFreesASlot() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(new FixedConcurrencyLimit(1), this.clock::get);
		limiter.tryAcquire().orElseThrow().drop();
		assertThat(limiter.inFlight()).isZero();
		assertThat(limiter.tryAcquire()).isPresent();
	}

	@Test
	void releaseFeedsTheRttAndInFlightToTheLimit() {
		RecordingLimit limit = new RecordingLimit(10);
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(limit, this.clock::get);
		Permit first = limiter.tryAcquire().orElseThrow();
		this.clock.addAndGet(2 * MILLIS);
		Permit second = limiter.tryAcquire().orElseThrow();
		this.clock.addAndGet(5 * MILLIS);
		second.release();
		first.drop();
		assertThat(limit.samples).containsExactly(new Sample(5 * MILLIS, 2, false), new Sample(7 * MILLIS, 1, true));
	}

	@Test
	void permitsAreIdempotent() {
		RecordingLimit limit = new RecordingLimit(2);
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(limit, this.clock::get);
		Permit released = limiter.tryAcquire().orElseThrow();
		Permit dropped = limiter.tryAcquire().orElseThrow();
		released.release();
		released.release();
		released.drop();
		assertThat(limiter.inFlight()).isEqualTo(1);
		dropped.drop();
		dropped.drop();
		dropped.release();
		assertThat(limiter.inFlight()).isZero();
		assertThat(limit.samples).extracting(Sample::dropped).containsExactly(false, true);
		// Extra releases must not free slots held by others
		Permit held = limiter.tryAcquire().orElseThrow();
		Permit other = limiter.tryAcquire().orElseThrow();
		released.release();
		dropped.drop();
		assertThat(limiter.inFlight()).isEqualTo(2);
		assertThat(limiter.tryAcquire()).isEmpty();
		held.release();
		other.release();
	}

	@Test
	void permitReleasedConcurrentlyCountsOnce() throws Exception {
		RecordingLimit limit = new RecordingLimit(100);
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(limit, this.clock::get);
		for (int round = 0; round < 50; round++) {
			Permit permit = limiter.tryAcquire().orElseThrow();
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				boolean drop = i % 2 == 0;
				futures.add(this.executor.submit(() -> {
					start.await();
					if (drop) {
						permit.drop();
					}
					else {
						permit.release();
					}
					return null;
				}));
			}
			start.countDown();
			await(futures);
			assertThat(limiter.inFlight()).isZero();
		}
		assertThat(limit.samples).hasSize(50);
	}

	@Test
	void concurrentAcquisitionsOfFourTimesTheLimitRejectExactlyTheExcess() throws Exception {
		int limit = 16;
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(new FixedConcurrencyLimit(limit), this.clock::get);
		for (int round = 1; round <= 20; round++) {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Optional<Permit>>> futures = new ArrayList<>();
			for (int i = 0; i < 4 * limit; i++) {
				futures.add(this.executor.submit(() -> {
					start.await();
					return limiter.tryAcquire();
				}));
			}
			start.countDown();
			List<Permit> permits = new ArrayList<>();
			for (Future<Optional<Permit>> future : futures) {
				future.get(30, TimeUnit.SECONDS).ifPresent(permits::add);
			}
			assertThat(permits).hasSize(limit);
			assertThat(limiter.inFlight()).isEqualTo(limit);
			assertThat(limiter.rejected()).isEqualTo(3L * limit * round);
			permits.forEach(Permit::release);
			assertThat(limiter.inFlight()).isZero();
		}
	}

	@Test
	void concurrentAcquireAndReleaseNeverExceedsTheLimit() throws Exception {
		int limit = 3;
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(new FixedConcurrencyLimit(limit), this.clock::get);
		AtomicInteger holders = new AtomicInteger();
		AtomicInteger maxHolders = new AtomicInteger();
		AtomicInteger admitted = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			futures.add(this.executor.submit(() -> {
				start.await();
				for (int i = 0; i < 10_000; i++) {
					Optional<Permit> permit = limiter.tryAcquire();
					if (permit.isPresent()) {
						admitted.incrementAndGet();
						maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
						holders.decrementAndGet();
						permit.get().release();
					}
				}
				return null;
			}));
		}
		start.countDown();
		await(futures);
		assertThat(maxHolders.get()).isBetween(1, limit);
		assertThat(limiter.inFlight()).isZero();
		assertThat(admitted.get() + limiter.rejected()).isEqualTo(8 * 10_000L);
	}

	@Test
	void followsAChangingLimit() {
		RecordingLimit limit = new RecordingLimit(4);
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(limit, this.clock::get);
		List<Permit> permits = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			permits.add(limiter.tryAcquire().orElseThrow());
		}
		limit.limit = 2;
		assertThat(limiter.limit()).isEqualTo(2);
		// Over the new limit: rejects until enough have finished
		permits.remove(0).release();
		permits.remove(0).release();
		assertThat(limiter.tryAcquire()).isEmpty();
		permits.remove(0).release();
		assertThat(limiter.tryAcquire()).isPresent();
		assertThat(limiter.tryAcquire()).isEmpty();
		assertThat(limiter.rejected()).isEqualTo(2);
	}

	@Test
	void withGradientLimitAdmitsMoreAtBaselineAndFewerWhenLatencyRises() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(new GradientConcurrencyLimit(20, 5, 100, 1.5, 0.2),
				this.clock::get);
		for (int i = 0; i < 100; i++) {
			round(limiter, 10 * MILLIS);
		}
		assertThat(limiter.limit()).isEqualTo(100);
		for (int i = 0; i < 10; i++) {
			round(limiter, 50 * MILLIS);
		}
		assertThat(limiter.limit()).isLessThan(50);
		long rejected = limiter.rejected();
		int current = limiter.limit();
		assertThat(round(limiter, 50 * MILLIS)).isEqualTo(current);
		assertThat(limiter.rejected()).isEqualTo(rejected + 1);
	}

	@Test
	void rejectsInvalidFixedLimit() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FixedConcurrencyLimit(0));
	}

	/**
	 * Admit requests until one is rejected, let them all take the given time, release
	 * them and return how many were admitted.
	 */
	private int round(ConcurrencyLimiter limiter, long rttNanos) {
		List<Permit> permits = new ArrayList<>();
		for (Optional<Permit> permit = limiter.tryAcquire(); permit.isPresent(); permit = limiter.tryAcquire()) {
			permits.add(permit.get());
		}
		this.clock.addAndGet(rttNanos);
		permits.forEach(Permit::release);
		return permits.size();
	}

	private static void await(List<? extends Future<?>> futures) throws Exception {
		for (Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
	}

	record Sample(long rttNanos, int inFlight, boolean dropped) {
	}

	/**
	 * A limit set by the test that records the samples it is fed.
	 */
	static final class RecordingLimit implements ConcurrencyLimit {

		final List<Sample> samples = new CopyOnWriteArrayList<>();

		volatile int limit;

		RecordingLimit(int limit) {
			this.limit = limit;
		}

		@Override
		public int limit() {
			return this.limit;
		}

		@Override
		public void onSample(long rttNanos, int inFlight, boolean dropped) {
			this.samples.add(new Sample(rttNanos, inFlight, dropped));
		}

	}

}
