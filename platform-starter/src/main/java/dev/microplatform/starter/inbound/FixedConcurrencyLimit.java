package dev.microplatform.starter.inbound;

/**
 * A {@link ConcurrencyLimit} that never changes, whatever the samples say.
 */
public final class FixedConcurrencyLimit implements ConcurrencyLimit {

	private final int limit;

	/**
	 * Create a new fixed limit.
	 * @param limit the maximum number of requests to handle at the same time
	 */
	public FixedConcurrencyLimit(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
		}
		this.limit = limit;
	}

	@Override
	public int limit() {
		return this.limit;
	}

	@Override
	public void onSample(long rttNanos, int inFlight, boolean dropped) {
	}

	@Override
	public String toString() {
		return "FixedConcurrencyLimit[limit=" + this.limit + "]";
	}

}
