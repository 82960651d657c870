package dev.microplatform.starter.inbound;

/**
 * A {@link ConcurrencyLimit} that adapts to latency like the {@code Gradient2Limit} of
 * Netflix's concurrency-limits.
 * <p>
 * It compares a short-term average of the round-trip time (the last ~10 samples) with a
 * long-term one (~600 samples, the baseline). While the short-term RTT stays within
 * {@code rttTolerance} of the baseline the limit grows by a queue allowance of
 * {@code max(4, sqrt(limit))}; when requests start queueing and the short-term RTT rises
 * above it, the limit shrinks in proportion ({@code gradient = longRtt × tolerance /
 * shortRtt}, never below half per step so that an outlier does not shed all the load).
 * Each step is smoothed and clamped to {@code [minLimit, maxLimit]}. Dropped requests
 * (rejected downstream or timed out) cut the limit multiplicatively and are not used as
 * RTT samples, as a timeout says nothing about the latency. The limit does not grow while
 * fewer than half of it is in use, since such samples say nothing about whether more
 * would be handled as fast.
 * <p>
 * Because the baseline is itself an average it follows a lasting change of latency; when
 * latency falls back after a prolonged period of load the baseline is pulled down faster
 * than its average would, so that the limit recovers promptly.
 * <p>
 * This class is thread-safe.
 */
public final class GradientConcurrencyLimit implements ConcurrencyLimit {

	private static final int LONG_WINDOW = 600;

	private static final int SHORT_WINDOW = 10;

	/** Samples averaged plainly before the long-term average starts, so that it starts from a fair baseline. */
	private static final int WARMUP_SAMPLES = 10;

	private static final double DROP_BACKOFF = 0.9;

	/** A baseline above twice the short-term RTT means latency has recovered from a period of load. */
	private static final double RECOVERY_RATIO = 2.0;

	private static final double RECOVERY_DECAY = 0.95;

	private static final double MIN_QUEUE_SIZE = 4;

	private final int minLimit;

	private final int maxLimit;

	private final double rttTolerance;

	private final double smoothing;

	private final ExponentialAverage longRtt = new ExponentialAverage(LONG_WINDOW, WARMUP_SAMPLES);

	private final ExponentialAverage shortRtt = new ExponentialAverage(SHORT_WINDOW, 1);

	/** The exact limit, guarded by this. */
	private double estimatedLimit;

	/** The limit as read by every request, without taking the lock. */
	private volatile int limit;

	/**
	 * Create a new gradient limit. Netflix's defaults are an initial limit of 20, a
	 * minimum of 20, a maximum of 200, a tolerance of 1.5 and a smoothing of 0.2.
	 * @param initialLimit the limit to start with
	 * @param minLimit the lowest the limit may go, at least {@code 1}
	 * @param maxLimit the highest the limit may go
	 * @param rttTolerance how much above the baseline the short-term RTT may be before
	 * the limit shrinks, at least {@code 1.0} (1.5 tolerates 50% more)
	 * @param smoothing how much of each new estimate is taken, in {@code (0, 1]}
	 */
	public GradientConcurrencyLimit(int initialLimit, int minLimit, int maxLimit, double rttTolerance,
			double smoothing) {
		if (minLimit < 1) {
			throw new IllegalArgumentException("minLimit must be at least 1 but was " + minLimit);
		}
		if (maxLimit < minLimit) {
			throw new IllegalArgumentException(
					"maxLimit must be at least minLimit (" + minLimit + ") but was " + maxLimit);
		}
		if (initialLimit < minLimit || initialLimit > maxLimit) {
			throw new IllegalArgumentException("initialLimit must be between minLimit (" + minLimit
					+ ") and maxLimit (" + maxLimit + ") but was " + initialLimit);
		}
		if (!(rttTolerance >= 1.0) || Double.isInfinite(rttTolerance)) {
			throw new IllegalArgumentException("rttTolerance must be at least 1.0 but was " + rttTolerance);
		}
		if (!(smoothing > 0.0 && smoothing <= 1.0)) {
			throw new IllegalArgumentException("smoothing must be in (0, 1] but was " + smoothing);
		}
		this.minLimit = minLimit;
		this.maxLimit = maxLimit;
		this.rttTolerance = rttTolerance;
		this.smoothing = smoothing;
		this.estimatedLimit = initialLimit;
		this.limit = initialLimit;
	}

	@Override
	public int limit() {
		return this.limit;
	}

	@Override
	public synchronized void onSample(long rttNanos, int inFlight, boolean dropped) {
		if (dropped) {
			update(this.estimatedLimit * DROP_BACKOFF);
			return;
		}
		// Guard the ratios below against a zero RTT from a coarse clock
		double rtt = Math.max(1, rttNanos);
		double shortRtt = this.shortRtt.add(rtt);
		double longRtt = this.longRtt.add(rtt);
		if (longRtt / shortRtt > RECOVERY_RATIO) {
			this.longRtt.scale(RECOVERY_DECAY);
		}
		// Application limited: these samples can't tell whether more would be handled as fast
		if (inFlight < this.estimatedLimit / 2) {
			return;
		}
		// Not below half, so that an outlier does not shed all the load at once
		double gradient = Math.max(0.5, Math.min(1.0, this.rttTolerance * longRtt / shortRtt));
		double queueSize = Math.max(MIN_QUEUE_SIZE, Math.sqrt(this.estimatedLimit));
		double newLimit = this.estimatedLimit * gradient + queueSize;
		update(this.estimatedLimit * (1 - this.smoothing) + newLimit * this.smoothing);
	}

	private void update(double newLimit) {
		this.estimatedLimit = Math.max(this.minLimit, Math.min(this.maxLimit, newLimit));
		this.limit = (int) this.estimatedLimit;
	}

	/**
	 * Return the long-term average RTT, the baseline.
	 * @return the baseline in nanoseconds, {@code 0} before any sample
	 */
	synchronized double longRttNanos() {
		return this.longRtt.value;
	}

	/**
	 * Return the short-term average RTT.
	 * @return the short-term RTT in nanoseconds, {@code 0} before any sample
	 */
	synchronized double shortRttNanos() {
		return this.shortRtt.value;
	}

	@Override
	public String toString() {
		return "GradientConcurrencyLimit[limit=" + this.limit + ", minLimit=" + this.minLimit + ", maxLimit="
				+ this.maxLimit + "]";
	}

	/**
	 * An exponential moving average over about {@code window} samples that starts as the
	 * plain average of its first {@code warmup} samples. Not thread-safe.
	 */
	private static final class ExponentialAverage {

		private final double factor;

		private final int warmup;

		private int count;

		private double value;

		ExponentialAverage(int window, int warmup) {
			this.factor = 2.0 / (window + 1);
			this.warmup = warmup;
		}

		double add(double sample) {
			if (this.count < this.warmup) {
				this.count++;
				this.value += (sample - this.value) / this.count;
			}
			else {
				this.value = this.value * (1 - this.factor) + sample * this.factor;
			}
			return this.value;
		}

		void scale(double factor) {
			this.value *= factor;
		}

	}

}
