package dev.microplatform.starter.client;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A retry budget shared by all calls of one process to one target service, in the manner of
 * Finagle's and Linkerd's retry budgets.
 * <p>
 * Retries may add at most {@code retryRatio} of the original requests seen within a sliding
 * window of length {@code ttl}, plus a floor of {@code minRetriesPerSecond} so that a quiet client
 * can still retry a little. The balance is:
 * <pre class="code">
 * minRetriesPerSecond * ttlSeconds + retryRatio * requestsInWindow - retriesInWindow
 * </pre>
 * When a service degrades, every caller retrying independently multiplies the load on it; a budget
 * bounds that extra load to a fixed fraction, whatever the number of attempts each call allows.
 * <p>
 * The window is a ring of {@value #SLICES} time slices, so every operation is O(1) and memory is
 * bounded. Deposits and withdrawals are expired a whole slice at a time: each one counts for at
 * most {@code ttl} and at least {@code ttl} minus one slice.
 * <p>
 * Instances are thread-safe.
 */
public final class RetryBudget {

	private static final int SLICES = 10;

	private static final double MAX_RETRY_RATIO = 1000;

	// Absorbs rounding in retryRatio * requests (0.29 * 100 is 28.999999999999996) so a
	// retry that has been paid for in full is not refused.
	private static final double EPSILON = 1e-9;

	private final double retryRatio;

	private final double minRetries;

	private final LongSupplier nanoClock;

	private final long origin;

	private final long sliceNanos;

	private final long[] requests;

	private final long[] retries;

	private final Object lock = new Object();

	private long currentSlice;

	private long requestsInWindow;

	private long retriesInWindow;

	private long rejectedRetries;

	/**
	 * Create a new budget.
	 * @param retryRatio retries allowed per original request, in {@code [0, 1000]} (0.2 lets
	 * retries add 20% to the load)
	 * @param minRetriesPerSecond retries allowed per second of {@code ttl} even without any
	 * traffic; not negative
	 * @param ttl how long deposits and withdrawals count; positive
	 * @param nanoClock the source of time in nanoseconds, such as {@code System::nanoTime}
	 * @throws IllegalArgumentException if an argument is out of range
	 */
	public RetryBudget(double retryRatio, int minRetriesPerSecond, Duration ttl, LongSupplier nanoClock) {
		if (!(retryRatio >= 0 && retryRatio <= MAX_RETRY_RATIO)) {
			throw new IllegalArgumentException(
					"retryRatio must be between 0 and " + (int) MAX_RETRY_RATIO + " but was " + retryRatio);
		}
		if (minRetriesPerSecond < 0) {
			throw new IllegalArgumentException(
					"minRetriesPerSecond must not be negative but was " + minRetriesPerSecond);
		}
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("ttl must be positive but was " + ttl);
		}
		if (nanoClock == null) {
			throw new IllegalArgumentException("nanoClock must not be null");
		}
		long ttlNanos = toNanos(ttl);
		// Fewer slices only for absurdly short windows, so a slice is never shorter than 1ns
		int slices = (int) Math.min(SLICES, ttlNanos);
		this.retryRatio = retryRatio;
		this.minRetries = minRetriesPerSecond * (ttlNanos / 1e9);
		this.nanoClock = nanoClock;
		// Rounding the slice down means nothing ever counts for longer than ttl
		this.sliceNanos = ttlNanos / slices;
		this.requests = new long[slices];
		this.retries = new long[slices];
		this.origin = nanoClock.getAsLong();
	}

	private static long toNanos(Duration ttl) {
		try {
			return ttl.toNanos();
		}
		catch (ArithmeticException ex) {
			throw new IllegalArgumentException("ttl must fit in a long of nanoseconds but was " + ttl, ex);
		}
	}

	/**
	 * Record one original (first-attempt) request, depositing {@code retryRatio} into the budget.
	 */
	public void recordRequest() {
		synchronized (this.lock) {
			int slot = advance();
			this.requests[slot]++;
			this.requestsInWindow++;
		}
	}

	/**
	 * Withdraw one retry if the budget allows it.
	 * @return {@code true} if the retry may go ahead; {@code false} if the budget is exhausted,
	 * in which case the refusal is counted in {@link #rejectedRetries()}
	 */
	public boolean tryRetry() {
		synchronized (this.lock) {
			int slot = advance();
			if (balance() < 1 - EPSILON) {
				this.rejectedRetries++;
				return false;
			}
			this.retries[slot]++;
			this.retriesInWindow++;
			return true;
		}
	}

	/**
	 * Return the number of whole retries the budget currently allows, for a gauge.
	 * @return the available retries, never negative
	 */
	public int available() {
		synchronized (this.lock) {
			advance();
			// The balance can go below zero when deposits expire before the retries they paid for
			double whole = Math.floor(balance() + EPSILON);
			return (int) Math.max(0, Math.min(Integer.MAX_VALUE, whole));
		}
	}

	/**
	 * Return the number of retries refused so far, for a counter.
	 * @return the refused retries; never decreases
	 */
	public long rejectedRetries() {
		synchronized (this.lock) {
			return this.rejectedRetries;
		}
	}

	private double balance() {
		return this.minRetries + this.retryRatio * this.requestsInWindow - this.retriesInWindow;
	}

	/**
	 * Move the window to the current time, expiring slices that fell out of it.
	 * @return the ring index of the current slice
	 */
	private int advance() {
		// Subtracting first keeps this correct when nanoTime wraps around
		long slice = Math.floorDiv(this.nanoClock.getAsLong() - this.origin, this.sliceNanos);
		int slices = this.requests.length;
		// Never move backwards, so a clock that does cannot resurrect expired slices
		if (slice > this.currentSlice) {
			long expired = Math.min(slice - this.currentSlice, slices);
			for (long i = 1; i <= expired; i++) {
				int slot = (int) Math.floorMod(this.currentSlice + i, (long) slices);
				this.requestsInWindow -= this.requests[slot];
				this.retriesInWindow -= this.retries[slot];
				this.requests[slot] = 0;
				this.retries[slot] = 0;
			}
			this.currentSlice = slice;
		}
		return (int) Math.floorMod(this.currentSlice, (long) slices);
	}

}
