package dev.microplatform.starter.inbound;

import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GradientConcurrencyLimit}.
 */
class GradientConcurrencyLimitTests {

	private static final long MILLIS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final long BASELINE = 10 * MILLIS;

	private final GradientConcurrencyLimit limit = new GradientConcurrencyLimit(20, 10, 200, 1.5, 0.2);

	@Test
	void startsAtTheInitialLimit() {
		assertThat(this.limit.limit()).isEqualTo(20);
	}

	@Test
	void growsWhileRttStaysAtBaselineUnderHighInFlight() {
		int previous = this.limit.limit();
		for (int i = 0; i < 50; i++) {
			sample(BASELINE);
			assertThat(this.limit.limit()).isGreaterThanOrEqualTo(previous);
			previous = this.limit.limit();
		}
		assertThat(this.limit.limit()).isGreaterThan(40);
		sample(BASELINE, 300);
		assertThat(this.limit.limit()).isEqualTo(200);
	}

	@Test
	void doesNotGrowWhenApplicationLimited() {
		for (int i = 0; i < 300; i++) {
			this.limit.onSample(BASELINE, 5, false);
		}
		assertThat(this.limit.limit()).isEqualTo(20);
	}

	@Test
	void toleratesLatencyWithinTheTolerance() {
		sample(BASELINE, 300);
		assertThat(this.limit.limit()).isEqualTo(200);
		// 30% slower is within a tolerance of 1.5
		sample(13 * MILLIS, 100);
		assertThat(this.limit.limit()).isEqualTo(200);
	}

	@Test
	void shrinksWhenRttRisesWellAboveTheBaseline() {
		sample(BASELINE, 300);
		assertThat(this.limit.limit()).isEqualTo(200);
		int previous = this.limit.limit();
		for (int i = 0; i < 30; i++) {
			sample(3 * BASELINE);
			assertThat(this.limit.limit()).isLessThanOrEqualTo(previous);
			previous = this.limit.limit();
		}
		assertThat(this.limit.limit()).isLessThan(50);
		// Settles low; not at the minimum as the baseline slowly follows latency up
		sample(3 * BASELINE, 100);
		assertThat(this.limit.limit()).isBetween(10, 30);
	}

	@Test
	void shrinksOnDrops() {
		sample(BASELINE, 300);
		assertThat(this.limit.limit()).isEqualTo(200);
		this.limit.onSample(BASELINE, 200, true);
		assertThat(this.limit.limit()).isEqualTo(180);
		for (int i = 0; i < 4; i++) {
			this.limit.onSample(BASELINE, 200, true);
		}
		assertThat(this.limit.limit()).isEqualTo((int) (200 * Math.pow(0.9, 5)));
		for (int i = 0; i < 100; i++) {
			this.limit.onSample(BASELINE, 200, true);
		}
		assertThat(this.limit.limit()).isEqualTo(10);
	}

	@Test
	void dropsDoNotSkewTheRttAverages() {
		sample(BASELINE, 50);
		for (int i = 0; i < 20; i++) {
			this.limit.onSample(1000 * MILLIS, this.limit.limit(), true);
		}
		assertThat(this.limit.longRttNanos()).isEqualTo(BASELINE);
		assertThat(this.limit.shortRttNanos()).isEqualTo(BASELINE);
	}

	@Test
	void staysWithinMinAndMax() {
		RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(7);
		for (int i = 0; i < 20_000; i++) {
			// Phases of fast and slow latency with noise, random load and some drops
			long base = ((i / 500) % 2 == 0) ? BASELINE : 8 * BASELINE;
			long rtt = base + random.nextLong(base);
			int inFlight = random.nextInt(400);
			boolean dropped = random.nextInt(20) == 0;
			this.limit.onSample(rtt, inFlight, dropped);
			assertThat(this.limit.limit()).isBetween(10, 200);
		}
	}

	@Test
	void staysWithinMinAndMaxWithExtremeSamples() {
		GradientConcurrencyLimit limit = new GradientConcurrencyLimit(1, 1, 3, 1.0, 1.0);
		long[] rtts = { 0, -1, 1, Long.MAX_VALUE, 1, 0, Long.MAX_VALUE / 2, 5 };
		for (long rtt : rtts) {
			limit.onSample(rtt, Integer.MAX_VALUE, false);
			assertThat(limit.limit()).isBetween(1, 3);
			limit.onSample(rtt, 0, true);
			assertThat(limit.limit()).isBetween(1, 3);
		}
	}

	@Test
	void recoversWhenLatencyReturnsToBaseline() {
		sample(BASELINE, 300);
		sample(3 * BASELINE, 100);
		assertThat(this.limit.limit()).isLessThan(30);
		int previous = this.limit.limit();
		for (int i = 0; i < 300; i++) {
			sample(BASELINE);
			assertThat(this.limit.limit()).isGreaterThanOrEqualTo(previous);
			previous = this.limit.limit();
		}
		assertThat(this.limit.limit()).isEqualTo(200);
	}

	@Test
	void baselinePulledTowardsShortRttWhenLatencyFallsAfterProlongedLoad() {
		sample(BASELINE, 300);
		// Prolonged load: the baseline follows latency up and the limit accepts the new normal
		sample(3 * BASELINE, 2000);
		assertThat(this.limit.longRttNanos()).isGreaterThan(2.9 * BASELINE);
		assertThat(this.limit.limit()).isEqualTo(200);
		sample(BASELINE, 50);
		// A 600-sample average alone would still be above 2.5 times the baseline
		assertThat(this.limit.longRttNanos()).isLessThanOrEqualTo(2.05 * BASELINE);
		assertThat(this.limit.limit()).isEqualTo(200);
		// So that a new rise is noticed against a fair baseline
		sample(5 * BASELINE, 30);
		assertThat(this.limit.limit()).isLessThan(100);
	}

	@Test
	void rejectsInvalidSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(1, 0, 10, 1.5, 0.2));
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(5, 5, 4, 1.5, 0.2));
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(4, 5, 10, 1.5, 0.2));
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(11, 5, 10, 1.5, 0.2));
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(5, 5, 10, 0.9, 0.2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new GradientConcurrencyLimit(5, 5, 10, Double.NaN, 0.2));
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(5, 5, 10, 1.5, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new GradientConcurrencyLimit(5, 5, 10, 1.5, 1.1));
	}

	/**
	 * Feed one sample taken with the whole limit in use.
	 */
	private void sample(long rttNanos) {
		this.limit.onSample(rttNanos, this.limit.limit(), false);
	}

	private void sample(long rttNanos, int times) {
		for (int i = 0; i < times; i++) {
			sample(rttNanos);
		}
	}

}
