package dev.microplatform.starter.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Chooses an instance by the "power of two choices" over a peak-EWMA latency estimate, as
 * Finagle and Linkerd do.
 * <p>
 * For every instance id the chooser keeps a <em>cost</em>, a peak exponentially weighted
 * moving average of its round-trip time, and the number of requests <em>pending</em> on
 * it. Its load is {@code cost × (pending + 1)}. To choose, two distinct candidates are
 * picked at random and the less loaded one wins, which avoids the herding of "always
 * pick the least loaded" while still steering traffic away from slow instances.
 * <p>
 * The cost is a <em>peak</em> average: a round-trip time above the current cost replaces
 * it at once, so a slow or pausing instance is penalised after a single slow answer;
 * faster answers only pull the cost down gradually, weighted by how long ago the
 * previous answer was ({@code w = exp(-elapsed / decay)}). When reading the load, the
 * cost is also decayed towards zero by the time since the last answer, so an instance
 * that is no longer chosen because it was slow gets tried again eventually. While an
 * instance has requests pending, the time since it last made progress is a lower bound
 * of their round-trip time and is used in place of a smaller cost, so an instance that
 * stopped answering altogether looks slow within a few requests.
 * <p>
 * An instance never seen has no cost, so new instances get tried; an instance with
 * requests pending but no answer yet is penalised so it is not flooded before its first
 * answer. Instances with nothing pending that have not been seen for ten decay periods
 * (by then their cost has decayed to nothing) are forgotten, which bounds memory.
 * <p>
 * Instances are identified by string ids; callers report {@link #onStart(String)} when
 * sending a request and {@link #onComplete(String, long)} when it answers or fails. This
 * class is thread-safe.
 */
public final class PeakEwmaChooser {

	/**
	 * Load of an instance with requests pending but no answer yet: above any realistic
	 * measured load (about 39 hours), the value Finagle uses.
	 */
	private static final double PENALTY = Long.MAX_VALUE >> 16;

	/** After this many decay periods an idle instance's cost is negligible (e^-10). */
	private static final int FORGET_AFTER_DECAYS = 10;

	private final double decayNanos;

	private final long sweepIntervalNanos;

	private final long forgetAfterNanos;

	private final LongSupplier nanoClock;

	private final RandomGenerator random;

	/** Guards {@link #random}, as most seeded generators are not thread-safe. */
	private final Object randomLock = new Object();

	private final ConcurrentMap<String, Instance> instances = new ConcurrentHashMap<>();

	private final AtomicLong nextSweepNanos;

	/**
	 * Create a new chooser.
	 * @param decay how quickly the cost forgets past round-trip times (Finagle and Linkerd
	 * use 10 seconds)
	 * @param nanoClock the source of the current time in nanoseconds, such as
	 * {@code System::nanoTime}
	 * @param random the source of the random picks; it is only used under a lock, so it
	 * need not be thread-safe
	 */
	public PeakEwmaChooser(Duration decay, LongSupplier nanoClock, RandomGenerator random) {
		Objects.requireNonNull(decay, "decay must not be null");
		Objects.requireNonNull(nanoClock, "nanoClock must not be null");
		Objects.requireNonNull(random, "random must not be null");
		if (decay.isNegative() || decay.isZero()) {
			throw new IllegalArgumentException("decay must be positive but was " + decay);
		}
		long decayNanos = saturatedNanos(decay);
		this.decayNanos = decayNanos;
		this.sweepIntervalNanos = decayNanos;
		this.forgetAfterNanos = (decayNanos > Long.MAX_VALUE / FORGET_AFTER_DECAYS) ? Long.MAX_VALUE
				: decayNanos * FORGET_AFTER_DECAYS;
		this.nanoClock = nanoClock;
		this.random = random;
		this.nextSweepNanos = new AtomicLong(nanoClock.getAsLong() + this.sweepIntervalNanos);
	}

	/**
	 * Choose one of the given candidates: two distinct ones are picked at random and the
	 * one with the lower {@link #load(String) load} wins, the first pick on a tie.
	 * @param <T> the type of the candidates
	 * @param candidates the candidates to choose from
	 * @param idOf how to get the instance id of a candidate
	 * @return the chosen candidate, the only one if there is just one, or {@code null} if
	 * there are none
	 */
	public <T> T choose(List<T> candidates, Function<T, String> idOf) {
		int size = candidates.size();
		if (size == 0) {
			return null;
		}
		if (size == 1) {
			return candidates.get(0);
		}
		int first;
		int second;
		synchronized (this.randomLock) {
			first = this.random.nextInt(size);
			second = this.random.nextInt(size - 1);
		}
		// Skip over the first pick so that the second is distinct and still uniform
		if (second >= first) {
			second++;
		}
		T firstCandidate = candidates.get(first);
		T secondCandidate = candidates.get(second);
		long now = this.nanoClock.getAsLong();
		double firstLoad = load(idOf.apply(firstCandidate), now);
		double secondLoad = load(idOf.apply(secondCandidate), now);
		forgetIdle(now);
		return (secondLoad < firstLoad) ? secondCandidate : firstCandidate;
	}

	/**
	 * Record that a request was sent to the given instance.
	 * @param instanceId the id of the instance
	 */
	public void onStart(String instanceId) {
		Objects.requireNonNull(instanceId, "instanceId must not be null");
		long now = this.nanoClock.getAsLong();
		while (!instance(instanceId, now).start(now)) {
			// It was forgotten concurrently: retry with a fresh one
		}
		forgetIdle(now);
	}

	/**
	 * Record that the given instance answered, or failed, a request.
	 * @param instanceId the id of the instance
	 * @param rttNanos the round-trip time of the request in nanoseconds
	 */
	public void onComplete(String instanceId, long rttNanos) {
		Objects.requireNonNull(instanceId, "instanceId must not be null");
		long now = this.nanoClock.getAsLong();
		while (!instance(instanceId, now).complete(Math.max(0, rttNanos), now, this.decayNanos)) {
			// It was forgotten concurrently: retry with a fresh one
		}
		forgetIdle(now);
	}

	/**
	 * Record that a request sent to the given instance ended without its round-trip time
	 * saying anything of the instance's latency, such as one whose connection was refused or
	 * reset: it is no longer pending, and the cost is left as it was. (A dying instance resets
	 * the requests it held when its process exits, however long that took; fed as round-trip
	 * times, those would keep every caller away from it before they saw it fail, and so before
	 * they ejected it.)
	 * @param instanceId the id of the instance
	 */
	public void onCancel(String instanceId) {
		Objects.requireNonNull(instanceId, "instanceId must not be null");
		long now = this.nanoClock.getAsLong();
		while (!instance(instanceId, now).cancel(now)) {
			// It was forgotten concurrently: retry with a fresh one
		}
		forgetIdle(now);
	}

	/**
	 * Return the current load of the given instance: its decayed peak-EWMA round-trip
	 * time in nanoseconds (or, while requests are pending, the time since it last made
	 * progress if that is longer) multiplied by one more than its number of pending
	 * requests. An instance with requests pending but no answer yet has a very large
	 * penalty load of about {@code 1.4e14}.
	 * @param instanceId the id of the instance
	 * @return the load, {@code 0} for an instance never seen (or forgotten)
	 */
	public double load(String instanceId) {
		return load(instanceId, this.nanoClock.getAsLong());
	}

	private double load(String instanceId, long now) {
		Instance instance = this.instances.get(instanceId);
		return (instance != null) ? instance.load(now, this.decayNanos) : 0;
	}

	private Instance instance(String instanceId, long now) {
		return this.instances.computeIfAbsent(instanceId, (id) -> new Instance(now));
	}

	/**
	 * Forget instances idle for long, at most once per decay period so that the scan is
	 * amortised over many calls.
	 */
	private void forgetIdle(long now) {
		long next = this.nextSweepNanos.get();
		if (now - next < 0 || !this.nextSweepNanos.compareAndSet(next, now + this.sweepIntervalNanos)) {
			return;
		}
		this.instances.forEach((id, instance) -> {
			if (instance.forgetIfIdle(now, this.forgetAfterNanos)) {
				this.instances.remove(id, instance);
			}
		});
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * The statistics of one instance, guarded by its own monitor.
	 */
	private static final class Instance {

		/** Peak-EWMA round-trip time in nanoseconds, as of {@link #costStamp}. */
		private double cost;

		private long costStamp;

		private int pending;

		/** When the instance last made progress: its last answer or going from idle to busy. */
		private long progressStamp;

		private long lastSeen;

		/** Set once removed from the map, so that late updates go to a fresh instance. */
		private boolean forgotten;

		Instance(long now) {
			this.costStamp = now;
			this.progressStamp = now;
			this.lastSeen = now;
		}

		synchronized boolean start(long now) {
			if (this.forgotten) {
				return false;
			}
			if (this.pending == 0) {
				this.progressStamp = now;
			}
			this.pending++;
			this.lastSeen = now;
			return true;
		}

		synchronized boolean complete(long rttNanos, long now, double decayNanos) {
			if (this.forgotten) {
				return false;
			}
			// Tolerate a completion without a start rather than going negative
			if (this.pending > 0) {
				this.pending--;
			}
			if (rttNanos > this.cost) {
				this.cost = rttNanos;
			}
			else {
				double weight = Math.exp(-elapsed(this.costStamp, now) / decayNanos);
				this.cost = this.cost * weight + rttNanos * (1.0 - weight);
			}
			this.costStamp = now;
			this.progressStamp = now;
			this.lastSeen = now;
			return true;
		}

		synchronized boolean cancel(long now) {
			if (this.forgotten) {
				return false;
			}
			if (this.pending > 0) {
				this.pending--;
			}
			this.lastSeen = now;
			return true;
		}

		synchronized double load(long now, double decayNanos) {
			if (this.pending == 0) {
				return decayedCost(now, decayNanos);
			}
			if (this.cost == 0.0) {
				// No answer yet: don't pile more requests onto an unknown instance
				return PENALTY + this.pending;
			}
			// Pending requests have taken at least as long as the time without progress
			double cost = Math.max(decayedCost(now, decayNanos), elapsed(this.progressStamp, now));
			return cost * (this.pending + 1);
		}

		synchronized boolean forgetIfIdle(long now, long forgetAfterNanos) {
			if (this.pending == 0 && elapsed(this.lastSeen, now) >= forgetAfterNanos) {
				this.forgotten = true;
			}
			return this.forgotten;
		}

		private double decayedCost(long now, double decayNanos) {
			return this.cost * Math.exp(-elapsed(this.costStamp, now) / decayNanos);
		}

		private static double elapsed(long since, long now) {
			// Subtract first so that a wrapping nanoTime still works; a clock going back counts as no time
			return Math.max(0, now - since);
		}

	}

}
