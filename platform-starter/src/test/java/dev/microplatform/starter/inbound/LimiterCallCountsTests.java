package dev.microplatform.starter.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LimiterCallCounts}.
 */
class LimiterCallCountsTests {

	private final LimiterCallCounts counts = new LimiterCallCounts();

	@Test
	void countsEachOutcomeALimiterReports() {
		SimpleLimiter<Void> limiter = limiter(2);
		List<Limiter.Listener> admitted = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			limiter.acquire(null).ifPresent(admitted::add);
		}
		assertThat(admitted).hasSize(2);
		admitted.get(0).onSuccess();
		admitted.get(1).onDropped();
		limiter.acquire(null).ifPresent(Limiter.Listener::onIgnore);
		assertThat(this.counts.count("success")).isEqualTo(1);
		assertThat(this.counts.count("dropped")).isEqualTo(1);
		assertThat(this.counts.count("ignored")).isEqualTo(1);
		assertThat(this.counts.count("rejected")).isEqualTo(1);
		assertThat(this.counts.count("bypassed")).isZero();
	}

	@Test
	void aLimiterBuiltForNewSettingsAddsToTheSameCounts() {
		Optional<Limiter.Listener> first = limiter(1).acquire(null);
		limiter(1).acquire(null);
		assertThat(first).isPresent();
		assertThat(limiter(0).acquire(null)).isEmpty();
		assertThat(this.counts.count("rejected")).isEqualTo(1);
		first.get().onSuccess();
		assertThat(this.counts.count("success")).isEqualTo(1);
	}

	@Test
	void ignoresEverythingButCallCountsWithAStatus() {
		this.counts.counter("call", "id", "inbound").increment();
		this.counts.counter("other", "status", "success").increment();
		this.counts.distribution("min_rtt").addSample(5);
		this.counts.gauge("limit", () -> 7);
		assertThat(this.counts.count("success")).isZero();
	}

	private SimpleLimiter<Void> limiter(int limit) {
		return SimpleLimiter.newBuilder().named("inbound").limit(FixedLimit.of(limit)).metricRegistry(this.counts).build();
	}

}
