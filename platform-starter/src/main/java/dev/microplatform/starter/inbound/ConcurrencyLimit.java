package dev.microplatform.starter.inbound;

/**
 * A limit on the number of requests handled at the same time, possibly adapting to the
 * samples of the requests that finish.
 * <p>
 * Implementations must be thread-safe: {@link #limit()} is read on every request and
 * {@link #onSample(long, int, boolean)} is called concurrently as requests finish.
 *
 * @see ConcurrencyLimiter
 */
public interface ConcurrencyLimit {

	/**
	 * Return the current limit.
	 * @return the maximum number of requests to handle at the same time, at least
	 * {@code 1}
	 */
	int limit();

	/**
	 * Record that a request finished.
	 * @param rttNanos how long the request took, in nanoseconds
	 * @param inFlight how many requests were in flight, this one included, when it started
	 * @param dropped whether the request was dropped (rejected downstream or timed out)
	 * rather than handled
	 */
	void onSample(long rttNanos, int inFlight, boolean dropped);

}
