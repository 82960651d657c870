package dev.microplatform.starter.inbound;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Admits requests while fewer than a {@link ConcurrencyLimit limit} are in flight and
 * rejects the rest at once, rather than queueing them, so that an overloaded service
 * sheds load quickly instead of letting latency grow.
 * <p>
 * Each admitted request holds a {@link Permit} that it must {@link Permit#release()
 * release} when handled or {@link Permit#drop() drop} when it was rejected downstream or
 * timed out; either feeds a sample to the limit so that an adaptive one can follow the
 * service's latency. This class is thread-safe and never blocks.
 */
public final class ConcurrencyLimiter {

	private final ConcurrencyLimit limit;

	private final LongSupplier nanoClock;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicLong rejected = new AtomicLong();

	/**
	 * Create a new limiter.
	 * @param limit the limit on requests in flight
	 * @param nanoClock the source of the current time in nanoseconds, such as
	 * {@code System::nanoTime}, to time requests
	 */
	public ConcurrencyLimiter(ConcurrencyLimit limit, LongSupplier nanoClock) {
		this.limit = Objects.requireNonNull(limit, "limit must not be null");
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
	}

	/**
	 * Try to admit a request.
	 * @return a permit to release once the request is done, or an empty optional (and a
	 * counted rejection) if the limit is reached
	 */
	public Optional<Permit> tryAcquire() {
		while (true) {
			int current = this.inFlight.get();
			if (current >= this.limit.limit()) {
				this.rejected.incrementAndGet();
				return Optional.empty();
			}
			// Only claim a slot if no other request took it meanwhile, so the limit is never exceeded
			if (this.inFlight.compareAndSet(current, current + 1)) {
				return Optional.of(new LimiterPermit(this.nanoClock.getAsLong(), current + 1));
			}
		}
	}

	/**
	 * Return the number of requests in flight.
	 * @return the number of permits acquired and not yet released or dropped
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Return the current limit.
	 * @return the maximum number of requests in flight
	 */
	public int limit() {
		return this.limit.limit();
	}

	/**
	 * Return the number of requests rejected so far.
	 * @return the number of rejections, which never decreases
	 */
	public long rejected() {
		return this.rejected.get();
	}

	@Override
	public String toString() {
		return "ConcurrencyLimiter[inFlight=" + inFlight() + ", limit=" + limit() + ", rejected=" + rejected()
				+ "]";
	}

	/**
	 * The right to handle one request. Only the first call to {@link #release()} or
	 * {@link #drop()} counts; later calls do nothing, so a permit can safely be completed
	 * from several places such as a finally block and an error handler.
	 */
	public interface Permit {

		/**
		 * Free the slot after the request was handled, feeding its round-trip time to the
		 * limit.
		 */
		void release();

		/**
		 * Free the slot after the request was dropped (rejected downstream or timed out),
		 * telling the limit so that it can back off.
		 */
		void drop();

	}

	private final class LimiterPermit implements Permit {

		private final long startNanos;

		private final int inFlightAtStart;

		private final AtomicBoolean done = new AtomicBoolean();

		LimiterPermit(long startNanos, int inFlightAtStart) {
			this.startNanos = startNanos;
			this.inFlightAtStart = inFlightAtStart;
		}

		@Override
		public void release() {
			complete(false);
		}

		@Override
		public void drop() {
			complete(true);
		}

		private void complete(boolean dropped) {
			if (!this.done.compareAndSet(false, true)) {
				return;
			}
			long rttNanos = ConcurrencyLimiter.this.nanoClock.getAsLong() - this.startNanos;
			ConcurrencyLimiter.this.inFlight.decrementAndGet();
			ConcurrencyLimiter.this.limit.onSample(rttNanos, this.inFlightAtStart, dropped);
		}

	}

}
