package dev.microplatform.starter.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.microplatform.starter.test.ContendedRun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryBudgetTests {

	private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

	// An arbitrary start, as System.nanoTime() has no meaningful origin
	private final AtomicLong nanos = new AtomicLong(123_456_789L);

	@Test
	void retriesAreLimitedToTheRatioOfRequests() {
		RetryBudget budget = new RetryBudget(0.2, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 100);
		assertThat(budget.available()).isEqualTo(20);
		for (int i = 0; i < 20; i++) {
			assertThat(budget.tryRetry()).as("retry %d", i + 1).isTrue();
		}
		assertThat(budget.tryRetry()).isFalse();
		assertThat(budget.available()).isZero();
		assertThat(budget.rejectedRetries()).isEqualTo(1);
	}

	@Test
	void fractionalDepositsAddUpToWholeRetries() {
		RetryBudget budget = new RetryBudget(0.2, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 4);
		assertThat(budget.available()).isZero();
		assertThat(budget.tryRetry()).isFalse();
		budget.recordRequest();
		assertThat(budget.available()).isOne();
		assertThat(budget.tryRetry()).isTrue();
	}

	@Test
	void ratiosThatDoNotMultiplyExactlyStillPayForWholeRetries() {
		// 0.29 * 100 is 28.999999999999996 in floating point
		RetryBudget budget = new RetryBudget(0.29, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 100);
		assertThat(budget.available()).isEqualTo(29);
		assertThat(retriesGranted(budget, 100)).isEqualTo(29);
	}

	@Test
	void floorAloneAllowsRetriesWithoutTraffic() {
		RetryBudget budget = new RetryBudget(0.2, 10, TEN_SECONDS, this.nanos::get);
		assertThat(budget.available()).isEqualTo(100);
		assertThat(retriesGranted(budget, 150)).isEqualTo(100);
		assertThat(budget.rejectedRetries()).isEqualTo(50);
	}

	@Test
	void floorAndDepositsAddUp() {
		RetryBudget budget = new RetryBudget(0.5, 1, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 10);
		assertThat(budget.available()).isEqualTo(15);
		assertThat(retriesGranted(budget, 20)).isEqualTo(15);
	}

	@Test
	void floorIsScaledByTheTtl() {
		RetryBudget budget = new RetryBudget(0, 2, Duration.ofMillis(1500), this.nanos::get);
		assertThat(budget.available()).isEqualTo(3);
	}

	@Test
	void nothingIsAllowedWithoutFloorOrTraffic() {
		RetryBudget budget = new RetryBudget(0.2, 0, TEN_SECONDS, this.nanos::get);
		assertThat(budget.available()).isZero();
		assertThat(budget.tryRetry()).isFalse();
		assertThat(budget.tryRetry()).isFalse();
		assertThat(budget.rejectedRetries()).isEqualTo(2);
	}

	@Test
	void zeroRatioAllowsOnlyTheFloor() {
		RetryBudget budget = new RetryBudget(0, 1, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 1000);
		assertThat(budget.available()).isEqualTo(10);
	}

	@Test
	void depositsExpireAfterTtl() {
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 10);
		advance(Duration.ofSeconds(10).minusNanos(1));
		assertThat(budget.available()).isEqualTo(10);
		advance(Duration.ofNanos(1));
		assertThat(budget.available()).isZero();
		assertThat(budget.tryRetry()).isFalse();
	}

	@Test
	void withdrawalsExpireAfterTtl() {
		RetryBudget budget = new RetryBudget(0, 1, TEN_SECONDS, this.nanos::get);
		assertThat(retriesGranted(budget, 10)).isEqualTo(10);
		assertThat(budget.tryRetry()).isFalse();
		advance(Duration.ofSeconds(10).minusNanos(1));
		assertThat(budget.available()).isZero();
		advance(Duration.ofNanos(1));
		assertThat(budget.available()).isEqualTo(10);
		assertThat(retriesGranted(budget, 11)).isEqualTo(10);
	}

	@Test
	void theWindowSlidesOneSliceAtATime() {
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 3);
		advance(Duration.ofSeconds(4));
		recordRequests(budget, 5);
		advance(Duration.ofSeconds(5));
		assertThat(budget.available()).isEqualTo(8);
		// First batch expires at 10s, the second at 14s
		advance(Duration.ofSeconds(1));
		assertThat(budget.available()).isEqualTo(5);
		advance(Duration.ofSeconds(4).minusNanos(1));
		assertThat(budget.available()).isEqualTo(5);
		advance(Duration.ofNanos(1));
		assertThat(budget.available()).isZero();
	}

	@Test
	void anEntryCountsForAtLeastTtlMinusOneSliceAndNeverLongerThanTtl() {
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		// Half-way through the first one-second slice
		advance(Duration.ofMillis(500));
		budget.recordRequest();
		advance(Duration.ofMillis(9000));
		assertThat(budget.available()).isOne();
		advance(Duration.ofMillis(500));
		assertThat(budget.available()).isZero();
	}

	@Test
	void retriesKeepCountingAfterTheDepositsThatPaidForThemExpire() {
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 10);
		advance(Duration.ofSeconds(5));
		assertThat(retriesGranted(budget, 10)).isEqualTo(10);
		advance(Duration.ofSeconds(5));
		// The deposits are gone but the withdrawals still count, so new deposits pay them back first
		assertThat(budget.available()).isZero();
		recordRequests(budget, 6);
		assertThat(budget.available()).isZero();
		advance(Duration.ofSeconds(5));
		assertThat(budget.available()).isEqualTo(6);
	}

	@Test
	void aLongIdlePeriodExpiresEverything() {
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 10);
		assertThat(retriesGranted(budget, 4)).isEqualTo(4);
		advance(Duration.ofDays(365));
		assertThat(budget.available()).isZero();
		recordRequests(budget, 2);
		assertThat(budget.available()).isEqualTo(2);
	}

	@Test
	void survivesTheNanoClockWrappingAround() {
		this.nanos.set(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 10);
		advance(Duration.ofSeconds(9));
		assertThat(this.nanos.get()).isNegative();
		assertThat(budget.available()).isEqualTo(10);
		advance(Duration.ofSeconds(1));
		assertThat(budget.available()).isZero();
	}

	@Test
	void aClockGoingBackwardsDoesNotResurrectExpiredEntries() {
		RetryBudget budget = new RetryBudget(1, 0, TEN_SECONDS, this.nanos::get);
		recordRequests(budget, 10);
		advance(Duration.ofSeconds(10));
		assertThat(budget.available()).isZero();
		advance(Duration.ofSeconds(-10));
		assertThat(budget.available()).isZero();
		budget.recordRequest();
		assertThat(budget.available()).isOne();
	}

	@Test
	void rejectedRetriesIsMonotonic() {
		RetryBudget budget = new RetryBudget(0, 1, Duration.ofSeconds(1), this.nanos::get);
		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.tryRetry()).isFalse();
		assertThat(budget.rejectedRetries()).isOne();
		advance(Duration.ofSeconds(1));
		assertThat(budget.tryRetry()).isTrue();
		assertThat(budget.rejectedRetries()).isOne();
		assertThat(budget.tryRetry()).isFalse();
		assertThat(budget.rejectedRetries()).isEqualTo(2);
	}

	@Test
	void tinyTtlStillWorks() {
		RetryBudget budget = new RetryBudget(1, 0, Duration.ofNanos(3), this.nanos::get);
		budget.recordRequest();
		advance(Duration.ofNanos(2));
		assertThat(budget.available()).isOne();
		advance(Duration.ofNanos(1));
		assertThat(budget.available()).isZero();
	}

	@Test
	void hugeBudgetsAreReportedAsIntMax() {
		RetryBudget budget = new RetryBudget(0, Integer.MAX_VALUE, Duration.ofDays(1), this.nanos::get);
		assertThat(budget.available()).isEqualTo(Integer.MAX_VALUE);
		assertThat(budget.tryRetry()).isTrue();
	}

	@Test
	void concurrentRetriesNeverExceedTheBudget() throws Exception {
		RetryBudget budget = new RetryBudget(0.1, 0, TEN_SECONDS, this.nanos::get);
		int threads = 8;
		ContendedRun.onThreads(threads, () -> {
			recordRequests(budget, 125);
			return 0;
		});
		assertThat(budget.available()).isEqualTo(100);
		List<Integer> granted = ContendedRun.onThreads(threads, () -> retriesGranted(budget, 500));
		assertThat(granted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
		assertThat(budget.rejectedRetries()).isEqualTo(threads * 500 - 100);
		assertThat(budget.available()).isZero();
	}

	@Test
	void concurrentRequestsAndRetriesStayWithinTheBudget() throws Exception {
		RetryBudget budget = new RetryBudget(0.25, 1, TEN_SECONDS, this.nanos::get);
		int threads = 8;
		int requestsPerThread = 2_000;
		List<Integer> granted = ContendedRun.onThreads(threads, () -> {
			int retries = 0;
			for (int i = 0; i < requestsPerThread; i++) {
				budget.recordRequest();
				// Try far more retries than the budget allows, interleaved with the deposits
				for (int attempt = 0; attempt < 3; attempt++) {
					if (budget.tryRetry()) {
						retries++;
					}
				}
			}
			return retries;
		});
		int totalGranted = granted.stream().mapToInt(Integer::intValue).sum();
		int allowed = 10 + threads * requestsPerThread / 4;
		// Whatever the interleaving, every granted retry was paid for and nothing was lost
		assertThat(totalGranted).isLessThanOrEqualTo(allowed);
		assertThat(totalGranted + budget.available()).isEqualTo(allowed);
		assertThat(budget.rejectedRetries()).isEqualTo(threads * requestsPerThread * 3L - totalGranted);
	}

	@Test
	void retryRatioIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(-0.1, 0, TEN_SECONDS, this.nanos::get))
			.withMessageContaining("retryRatio");
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(1000.1, 0, TEN_SECONDS, this.nanos::get))
			.withMessageContaining("retryRatio");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(Double.NaN, 0, TEN_SECONDS, this.nanos::get))
			.withMessageContaining("retryRatio");
		assertThat(new RetryBudget(0, 0, TEN_SECONDS, this.nanos::get).available()).isZero();
		assertThat(new RetryBudget(1000, 0, TEN_SECONDS, this.nanos::get).available()).isZero();
	}

	@Test
	void minRetriesPerSecondIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(0.2, -1, TEN_SECONDS, this.nanos::get))
			.withMessageContaining("minRetriesPerSecond");
	}

	@Test
	void ttlIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(0.2, 0, null, this.nanos::get))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(0.2, 0, Duration.ZERO, this.nanos::get))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(0.2, 0, Duration.ofSeconds(-1), this.nanos::get))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(0.2, 0, Duration.ofDays(365 * 300), this.nanos::get))
			.withMessageContaining("ttl");
	}

	@Test
	void nanoClockIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryBudget(0.2, 0, TEN_SECONDS, null))
			.withMessageContaining("nanoClock");
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	private static void recordRequests(RetryBudget budget, int count) {
		for (int i = 0; i < count; i++) {
			budget.recordRequest();
		}
	}

	private static int retriesGranted(RetryBudget budget, int attempts) {
		int granted = 0;
		for (int i = 0; i < attempts; i++) {
			if (budget.tryRetry()) {
				granted++;
			}
		}
		return granted;
	}

}
