package dev.microplatform.starter.inbound;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import com.netflix.concurrency.limits.MetricIds;
import com.netflix.concurrency.limits.MetricRegistry;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;

/**
 * Counts what Netflix concurrency-limits' limiters report of each call, by its status
 * ({@code success}, {@code dropped}, {@code ignored}, {@code rejected}, {@code bypassed}), so
 * that Micrometer can read the counts. One instance outlives the limiters handed it: a
 * limiter rebuilt for new settings adds to the same counts, which therefore never go back.
 * The library's gauges and distributions are not kept (the platform publishes the limit and
 * the calls in flight itself).
 * <p>
 * Instances are thread-safe.
 */
final class LimiterCallCounts implements MetricRegistry {

	private static final SampleListener IGNORED_SAMPLES = (value) -> {
	};

	private final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();

	/**
	 * Return how many calls ended with the given status so far.
	 * @param status a limiter call status, such as {@code rejected}
	 * @return the count, {@code 0} for a status never reported
	 */
	long count(String status) {
		LongAdder count = this.byStatus.get(status);
		return (count != null) ? count.sum() : 0;
	}

	@Override
	public Counter counter(String id, String... tagNameValuePairs) {
		String status = tag(AbstractLimiter.STATUS_TAG, tagNameValuePairs);
		if (!MetricIds.CALL_NAME.equals(id) || status == null) {
			return () -> {
			};
		}
		LongAdder count = this.byStatus.computeIfAbsent(status, (key) -> new LongAdder());
		return count::increment;
	}

	@Override
	public SampleListener distribution(String id, String... tagNameValuePairs) {
		return IGNORED_SAMPLES;
	}

	@Override
	public void gauge(String id, Supplier<Number> supplier, String... tagNameValuePairs) {
	}

	private static String tag(String name, String... pairs) {
		for (int i = 0; i + 1 < pairs.length; i += 2) {
			if (name.equals(pairs[i])) {
				return pairs[i + 1];
			}
		}
		return null;
	}

}
