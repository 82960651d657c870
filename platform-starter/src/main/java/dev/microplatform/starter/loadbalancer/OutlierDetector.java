package dev.microplatform.starter.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Passive outlier ejection, in the manner of Envoy's consecutive-5xx detector.
 * <p>
 * An instance that fails {@code consecutiveFailures} times in a row (with no success in between)
 * is ejected for {@code baseEjectionTime} multiplied by the number of times it has been ejected,
 * capped at {@code maxEjectionTime}. It comes back by itself once that time has passed, with its
 * consecutive failures forgotten. Every full {@code maxEjectionTime} it then stays without being
 * ejected lowers the multiplier by one, so an instance that has recovered eventually gets short
 * ejections again. Failures recorded while an instance is ejected do not extend its ejection.
 * <p>
 * The multiplier stops growing once the ejection time has reached {@code maxEjectionTime}, as
 * further growth would not lengthen ejections and would only delay that recovery.
 * <p>
 * Only instances with something worth remembering are tracked: a healthy instance that has
 * nothing left to decay takes no memory, and one unseen for ten times {@code maxEjectionTime} is
 * forgotten.
 * <p>
 * Instances are thread-safe.
 */
public final class OutlierDetector {

	// Instances removed from discovery stop being reported; forget them after this many max ejections
	private static final int RETENTION_FACTOR = 10;

	// Absorbs rounding in size * maxEjectionShare (100 * 0.29 is 28.999999999999996)
	private static final double EPSILON = 1e-9;

	private final int consecutiveFailures;

	private final long baseEjectionNanos;

	private final long maxEjectionNanos;

	private final int maxMultiplier;

	private final double maxEjectionShare;

	private final long retentionNanos;

	private final LongSupplier nanoClock;

	private final ConcurrentHashMap<String, InstanceState> states = new ConcurrentHashMap<>();

	private final AtomicLong ejections = new AtomicLong();

	private final AtomicLong nextSweep;

	/**
	 * Create a new detector.
	 * @param consecutiveFailures the failures in a row that eject an instance; at least 1
	 * @param baseEjectionTime how long a first ejection lasts; positive
	 * @param maxEjectionTime the longest an ejection can last, and the healthy time that lowers
	 * the ejection multiplier by one; at least {@code baseEjectionTime}
	 * @param maxEjectionShare the largest share of the instances {@link #filter} removes, in
	 * {@code [0, 1]}
	 * @param nanoClock the source of time in nanoseconds, such as {@code System::nanoTime}
	 * @throws IllegalArgumentException if an argument is out of range
	 */
	public OutlierDetector(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
			double maxEjectionShare, LongSupplier nanoClock) {
		if (consecutiveFailures < 1) {
			throw new IllegalArgumentException(
					"consecutiveFailures must be at least 1 but was " + consecutiveFailures);
		}
		long baseNanos = positiveNanos("baseEjectionTime", baseEjectionTime);
		long maxNanos = positiveNanos("maxEjectionTime", maxEjectionTime);
		if (maxNanos < baseNanos) {
			throw new IllegalArgumentException("maxEjectionTime must not be shorter than baseEjectionTime ("
					+ baseEjectionTime + ") but was " + maxEjectionTime);
		}
		if (!(maxEjectionShare >= 0 && maxEjectionShare <= 1)) {
			throw new IllegalArgumentException("maxEjectionShare must be between 0 and 1 but was " + maxEjectionShare);
		}
		if (nanoClock == null) {
			throw new IllegalArgumentException("nanoClock must not be null");
		}
		this.consecutiveFailures = consecutiveFailures;
		this.baseEjectionNanos = baseNanos;
		this.maxEjectionNanos = maxNanos;
		// The first multiplier at which an ejection lasts the maximum
		long ceiling = (maxNanos / baseNanos) + ((maxNanos % baseNanos != 0) ? 1 : 0);
		this.maxMultiplier = (int) Math.min(ceiling, Integer.MAX_VALUE);
		this.maxEjectionShare = maxEjectionShare;
		this.retentionNanos = (maxNanos > Long.MAX_VALUE / RETENTION_FACTOR) ? Long.MAX_VALUE
				: maxNanos * RETENTION_FACTOR;
		this.nanoClock = nanoClock;
		this.nextSweep = new AtomicLong(nanoClock.getAsLong() + maxNanos);
	}

	private static long positiveNanos(String name, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive but was " + duration);
		}
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			throw new IllegalArgumentException(name + " must fit in a long of nanoseconds but was " + duration, ex);
		}
	}

	/**
	 * Record a successful call to an instance, which breaks its run of consecutive failures.
	 * @param instanceId the id of the instance
	 */
	public void recordSuccess(String instanceId) {
		requireId(instanceId);
		// Fast path for the common case: a healthy instance has no state to update
		if (this.states.containsKey(instanceId)) {
			long now = this.nanoClock.getAsLong();
			this.states.computeIfPresent(instanceId, (id, state) -> {
				InstanceState current = current(state, now);
				InstanceState updated = current.ejected() ? current.seenAt(now) : current.succeededAt(now);
				return updated.isPristine() ? null : updated;
			});
			sweepIfDue(now);
		}
	}

	/**
	 * Record a failed call to an instance: a connection failure or a 5xx response. Ejects the
	 * instance if this completes a run of {@code consecutiveFailures}.
	 * @param instanceId the id of the instance
	 * @return {@code true} if this failure ejected the instance
	 */
	public boolean recordFailure(String instanceId) {
		requireId(instanceId);
		long now = this.nanoClock.getAsLong();
		boolean[] ejected = { false };
		this.states.compute(instanceId, (id, state) -> {
			InstanceState current = (state != null) ? current(state, now) : InstanceState.pristine(now);
			if (current.ejected()) {
				return current.seenAt(now);
			}
			int failures = current.failures() + 1;
			if (failures < this.consecutiveFailures) {
				return current.failedAt(failures, now);
			}
			// Counted in here as compute runs once per call, atomically for this instance
			this.ejections.incrementAndGet();
			ejected[0] = true;
			int multiplier = Math.min(current.multiplier() + 1, this.maxMultiplier);
			return current.ejectedAt(multiplier, now + ejectionNanos(multiplier), now);
		});
		sweepIfDue(now);
		return ejected[0];
	}

	/**
	 * Return how many failures in a row eject an instance.
	 * @return the consecutive failures that eject an instance
	 */
	public int consecutiveFailures() {
		return this.consecutiveFailures;
	}

	/**
	 * Return whether an instance is ejected right now.
	 * @param instanceId the id of the instance
	 * @return {@code true} if the instance is ejected
	 */
	public boolean isEjected(String instanceId) {
		requireId(instanceId);
		return remainingEjection(instanceId, this.nanoClock.getAsLong()) > 0;
	}

	/**
	 * Remove ejected instances from a list of candidates, such as the instances a load balancer
	 * chooses from. At most {@code floor(size * maxEjectionShare)} instances are removed, and never
	 * all of them: when more are ejected, those whose ejection ends soonest are kept, so that a
	 * widespread failure (more likely the caller's own problem) still leaves somewhere to send
	 * traffic.
	 * @param <T> the type of instance
	 * @param instances the candidates
	 * @param idOf how to get the id of an instance; instances with a {@code null} id are kept
	 * @return the candidates minus ejected ones, in their original order; the given list itself
	 * when nothing is removed, otherwise an unmodifiable list
	 */
	public <T> List<T> filter(List<T> instances, Function<T, String> idOf) {
		if (instances == null) {
			throw new IllegalArgumentException("instances must not be null");
		}
		if (idOf == null) {
			throw new IllegalArgumentException("idOf must not be null");
		}
		int size = instances.size();
		int removable = Math.min(size - 1, (int) Math.floor(size * this.maxEjectionShare + EPSILON));
		if (removable <= 0 || this.states.isEmpty()) {
			return instances;
		}
		long now = this.nanoClock.getAsLong();
		// Copied once so that any List implementation is walked in a single pass
		Object[] candidates = instances.toArray();
		long[] remaining = new long[size];
		int ejectedCount = 0;
		for (int i = 0; i < size; i++) {
			@SuppressWarnings("unchecked")
			T instance = (T) candidates[i];
			String id = (instance != null) ? idOf.apply(instance) : null;
			remaining[i] = (id != null) ? remainingEjection(id, now) : 0;
			if (remaining[i] > 0) {
				ejectedCount++;
			}
		}
		if (ejectedCount == 0) {
			return instances;
		}
		boolean[] removed = new boolean[size];
		if (ejectedCount <= removable) {
			for (int i = 0; i < size; i++) {
				removed[i] = remaining[i] > 0;
			}
		}
		else {
			markLongestEjections(remaining, ejectedCount, removable, removed);
		}
		List<T> result = new ArrayList<>(size - Math.min(ejectedCount, removable));
		for (int i = 0; i < size; i++) {
			if (!removed[i]) {
				@SuppressWarnings("unchecked")
				T instance = (T) candidates[i];
				result.add(instance);
			}
		}
		return Collections.unmodifiableList(result);
	}

	private static void markLongestEjections(long[] remaining, int ejectedCount, int removable, boolean[] removed) {
		Integer[] ejected = new Integer[ejectedCount];
		for (int i = 0, j = 0; i < remaining.length; i++) {
			if (remaining[i] > 0) {
				ejected[j++] = i;
			}
		}
		// Soonest back first, then by position so that ties always resolve the same way
		Arrays.sort(ejected, Comparator.<Integer>comparingLong((index) -> remaining[index])
			.thenComparing(Comparator.naturalOrder()));
		for (int i = ejectedCount - removable; i < ejectedCount; i++) {
			removed[ejected[i]] = true;
		}
	}

	/**
	 * Return the number of ejections so far, for a counter.
	 * @return the number of ejections; never decreases
	 */
	public long ejections() {
		return this.ejections.get();
	}

	/**
	 * Return the number of instances ejected right now, for a gauge.
	 * @return the number of ejected instances
	 */
	public int currentlyEjected() {
		long now = this.nanoClock.getAsLong();
		sweepIfDue(now);
		int count = 0;
		for (InstanceState state : this.states.values()) {
			if (state.ejected() && state.ejectedUntil() - now > 0) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Return how many instances have state, so that tests can check memory stays bounded.
	 */
	int trackedInstances() {
		return this.states.size();
	}

	private static void requireId(String instanceId) {
		if (instanceId == null) {
			throw new IllegalArgumentException("instanceId must not be null");
		}
	}

	private long remainingEjection(String instanceId, long now) {
		InstanceState state = this.states.get(instanceId);
		if (state == null || !state.ejected()) {
			return 0;
		}
		// Compared by subtraction so that nanoTime wrapping around does not matter
		return Math.max(0, state.ejectedUntil() - now);
	}

	private long ejectionNanos(int multiplier) {
		// Below maxMultiplier, base * multiplier is shorter than max so cannot overflow
		return (multiplier >= this.maxMultiplier) ? this.maxEjectionNanos : this.baseEjectionNanos * multiplier;
	}

	/**
	 * Bring a stored state up to date: end an ejection that is over and decay the multiplier.
	 * States are only written when an instance is recorded, so time is applied lazily here.
	 */
	private InstanceState current(InstanceState state, long now) {
		InstanceState current = state;
		if (current.ejected() && now - current.ejectedUntil() >= 0) {
			current = current.returned();
		}
		if (!current.ejected() && current.multiplier() > 0) {
			long periods = (now - current.decayFrom()) / this.maxEjectionNanos;
			if (periods > 0) {
				current = current.decayed(periods, this.maxEjectionNanos);
			}
		}
		return current;
	}

	private void sweepIfDue(long now) {
		long due = this.nextSweep.get();
		// Only one caller sweeps, at most once per maxEjectionTime, so sweeping costs O(1) amortized
		if (now - due >= 0 && this.nextSweep.compareAndSet(due, now + this.maxEjectionNanos)) {
			// remove(key, value) underneath, so a state updated meanwhile is kept
			this.states.entrySet().removeIf((entry) -> isForgettable(entry.getValue(), now));
		}
	}

	private boolean isForgettable(InstanceState state, long now) {
		InstanceState current = current(state, now);
		return current.isPristine() || (!current.ejected() && now - current.lastSeen() >= this.retentionNanos);
	}

	/**
	 * Immutable state of one instance, replaced atomically in the map so that readers never see a
	 * half-made update.
	 * @param failures consecutive failures since the last success or return from ejection
	 * @param multiplier the multiplier of the last ejection, less decay
	 * @param ejected whether the instance was ejected when last updated
	 * @param ejectedUntil when the ejection ends, if ejected
	 * @param decayFrom when the current period of decay started, if not ejected
	 * @param lastSeen when the instance was last recorded
	 */
	private record InstanceState(int failures, int multiplier, boolean ejected, long ejectedUntil, long decayFrom,
			long lastSeen) {

		static InstanceState pristine(long now) {
			return new InstanceState(0, 0, false, 0, now, now);
		}

		boolean isPristine() {
			return !this.ejected && this.failures == 0 && this.multiplier == 0;
		}

		InstanceState seenAt(long now) {
			return new InstanceState(this.failures, this.multiplier, this.ejected, this.ejectedUntil, this.decayFrom,
					now);
		}

		InstanceState succeededAt(long now) {
			return new InstanceState(0, this.multiplier, this.ejected, this.ejectedUntil, this.decayFrom, now);
		}

		InstanceState failedAt(int failures, long now) {
			return new InstanceState(failures, this.multiplier, this.ejected, this.ejectedUntil, this.decayFrom, now);
		}

		InstanceState ejectedAt(int multiplier, long until, long now) {
			return new InstanceState(0, multiplier, true, until, this.decayFrom, now);
		}

		InstanceState returned() {
			// Decay counts from the end of the ejection, whenever that is noticed
			return new InstanceState(0, this.multiplier, false, 0, this.ejectedUntil, this.lastSeen);
		}

		InstanceState decayed(long periods, long periodNanos) {
			int multiplier = (int) Math.max(0, this.multiplier - periods);
			return new InstanceState(this.failures, multiplier, false, 0, this.decayFrom + periods * periodNanos,
					this.lastSeen);
		}

	}

}
