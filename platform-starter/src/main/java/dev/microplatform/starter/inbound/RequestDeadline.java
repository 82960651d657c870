package dev.microplatform.starter.inbound;

import java.time.Duration;
import java.util.Optional;

/**
 * How long the caller of the request being served still waits for its answer, when it said so in
 * the {@value #HEADER} header. Outbound calls made while serving the request pass on what is left,
 * so a whole chain of calls stops once nobody waits for it.
 */
public final class RequestDeadline {

	/** The header carrying the caller's remaining time, in milliseconds. */
	public static final String HEADER = "X-Request-Timeout-Ms";

	private static final ThreadLocal<Long> deadlineNanos = new ThreadLocal<>();

	private RequestDeadline() {
	}

	/**
	 * Return the time left until the deadline of the request being served on this thread.
	 * @return the time left (zero or negative once passed), or empty without a deadline
	 */
	public static Optional<Duration> remaining() {
		Long deadline = deadlineNanos.get();
		return (deadline != null) ? Optional.of(Duration.ofNanos(deadline - System.nanoTime())) : Optional.empty();
	}

	static void set(long nanos) {
		deadlineNanos.set(nanos);
	}

	static void clear() {
		deadlineNanos.remove();
	}

}
