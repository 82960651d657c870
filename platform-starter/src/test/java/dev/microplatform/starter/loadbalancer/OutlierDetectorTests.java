package dev.microplatform.starter.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.microplatform.starter.test.ContendedRun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutlierDetectorTests {

	private static final Duration BASE = Duration.ofSeconds(30);

	private static final Duration MAX = Duration.ofSeconds(300);

	// An arbitrary start, as System.nanoTime() has no meaningful origin
	private final AtomicLong nanos = new AtomicLong(987_654_321L);

	@Test
	void ejectsAfterConsecutiveFailures() {
		OutlierDetector detector = detector(3, 1.0);
		assertThat(detector.consecutiveFailures()).isEqualTo(3);
		assertThat(detector.recordFailure("a")).isFalse();
		assertThat(detector.recordFailure("a")).isFalse();
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.recordFailure("a")).as("the failure that ejects").isTrue();
		assertThat(detector.isEjected("a")).isTrue();
		assertThat(detector.ejections()).isOne();
		assertThat(detector.currentlyEjected()).isOne();
		assertThat(detector.recordFailure("a")).as("a failure while ejected").isFalse();
	}

	@Test
	void aSuccessInBetweenBreaksTheRun() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 2);
		detector.recordSuccess("a");
		fail(detector, "a", 2);
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.ejections()).isZero();
		detector.recordFailure("a");
		assertThat(detector.isEjected("a")).isTrue();
	}

	@Test
	void failuresAreCountedPerInstance() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 2);
		fail(detector, "b", 2);
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.isEjected("b")).isFalse();
		detector.recordSuccess("b");
		detector.recordFailure("a");
		assertThat(detector.isEjected("a")).isTrue();
		assertThat(detector.isEjected("b")).isFalse();
	}

	@Test
	void aThresholdOfOneEjectsOnTheFirstFailure() {
		OutlierDetector detector = detector(1, 1.0);
		detector.recordFailure("a");
		assertThat(detector.isEjected("a")).isTrue();
	}

	@Test
	void unknownInstancesAreNotEjected() {
		OutlierDetector detector = detector(3, 1.0);
		assertThat(detector.isEjected("a")).isFalse();
		detector.recordSuccess("a");
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.currentlyEjected()).isZero();
	}

	@Test
	void comesBackByItselfAfterTheBaseEjectionTime() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		advance(BASE.minusNanos(1));
		assertThat(detector.isEjected("a")).isTrue();
		assertThat(detector.currentlyEjected()).isOne();
		advance(Duration.ofNanos(1));
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.currentlyEjected()).isZero();
		assertThat(detector.ejections()).isOne();
	}

	@Test
	void failuresWhileEjectedDoNotExtendTheEjection() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		advance(Duration.ofSeconds(20));
		fail(detector, "a", 10);
		advance(Duration.ofSeconds(10));
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.ejections()).isOne();
	}

	@Test
	void consecutiveFailuresAreResetOnReturn() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		// Neither failures before nor during the ejection count towards the next one
		fail(detector, "a", 2);
		advance(BASE);
		fail(detector, "a", 2);
		assertThat(detector.isEjected("a")).isFalse();
		detector.recordFailure("a");
		assertThat(detector.isEjected("a")).isTrue();
		assertThat(detector.ejections()).isEqualTo(2);
	}

	@Test
	void aSuccessWhileEjectedDoesNotEndTheEjection() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		detector.recordSuccess("a");
		assertThat(detector.isEjected("a")).isTrue();
		advance(BASE);
		assertThat(detector.isEjected("a")).isFalse();
	}

	@Test
	void secondEjectionLastsTwiceTheBase() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		advance(BASE.plusSeconds(10));
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", BASE.multipliedBy(2));
		assertThat(detector.ejections()).isEqualTo(2);
	}

	@Test
	void ejectionTimeGrowsUpToTheMax() {
		OutlierDetector detector = new OutlierDetector(3, BASE, Duration.ofSeconds(70), 1.0, this.nanos::get);
		for (Duration expected : List.of(BASE, BASE.multipliedBy(2), Duration.ofSeconds(70), Duration.ofSeconds(70))) {
			fail(detector, "a", 3);
			assertEjectedFor(detector, "a", expected);
		}
		assertThat(detector.ejections()).isEqualTo(4);
	}

	@Test
	void maxEqualToBaseMakesEveryEjectionTheSame() {
		OutlierDetector detector = new OutlierDetector(1, BASE, BASE, 1.0, this.nanos::get);
		for (int i = 0; i < 3; i++) {
			detector.recordFailure("a");
			assertEjectedFor(detector, "a", BASE);
		}
	}

	@Test
	void multiplierIsUnchangedUntilAFullMaxEjectionTimeWithoutEjection() {
		OutlierDetector detector = ejectedTwiceAndBack(Duration.ofSeconds(10), Duration.ofSeconds(60));
		advance(Duration.ofSeconds(60).minusNanos(1));
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", Duration.ofSeconds(30));
	}

	@Test
	void multiplierDecreasesByOneForEachFullMaxEjectionTimeWithoutEjection() {
		OutlierDetector detector = ejectedTwiceAndBack(Duration.ofSeconds(10), Duration.ofSeconds(60));
		advance(Duration.ofSeconds(60));
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", Duration.ofSeconds(20));
	}

	@Test
	void multiplierDecaysToTheBaseAgain() {
		OutlierDetector detector = ejectedTwiceAndBack(Duration.ofSeconds(10), Duration.ofSeconds(60));
		advance(Duration.ofSeconds(120));
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", Duration.ofSeconds(10));
	}

	@Test
	void decayIsCountedInWholePeriodsAcrossCalls() {
		OutlierDetector detector = ejectedTwiceAndBack(Duration.ofSeconds(10), Duration.ofSeconds(60));
		// Observing the state part-way through must not lose the partial period
		advance(Duration.ofSeconds(90));
		detector.recordFailure("a");
		detector.recordSuccess("a");
		advance(Duration.ofSeconds(30));
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", Duration.ofSeconds(10));
	}

	@Test
	void failuresBelowTheThresholdDoNotInterruptDecay() {
		OutlierDetector detector = ejectedTwiceAndBack(Duration.ofSeconds(10), Duration.ofSeconds(60));
		advance(Duration.ofSeconds(30));
		fail(detector, "a", 2);
		advance(Duration.ofSeconds(30));
		detector.recordFailure("a");
		assertEjectedFor(detector, "a", Duration.ofSeconds(20));
	}

	@Test
	void multiplierStopsGrowingOnceEjectionsLastTheMax() {
		OutlierDetector detector = new OutlierDetector(3, Duration.ofSeconds(10), Duration.ofSeconds(30), 1.0,
				this.nanos::get);
		for (int i = 0; i < 6; i++) {
			fail(detector, "a", 3);
			advance(Duration.ofSeconds(30));
		}
		// Capped at 3 (10s x 3 = 30s), so two healthy periods bring it to 1 whatever the ejection count
		advance(Duration.ofSeconds(60));
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", Duration.ofSeconds(20));
	}

	@Test
	void filterRemovesEjectedInstancesAndKeepsOrder() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "b", 3);
		fail(detector, "d", 3);
		List<String> instances = List.of("a", "b", "c", "d", "e");
		assertThat(detector.filter(instances, Function.identity())).containsExactly("a", "c", "e");
	}

	@Test
	void filterNeverRemovesMoreThanTheShare() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "a", 3);
		fail(detector, "b", 3);
		fail(detector, "c", 3);
		assertThat(detector.currentlyEjected()).isEqualTo(3);
		List<String> filtered = detector.filter(List.of("a", "b", "c", "d"), Function.identity());
		assertThat(filtered).hasSize(2).contains("d");
	}

	@Test
	void filterKeepsTheInstancesWhoseEjectionEndsSoonest() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "c", 3);
		advance(Duration.ofSeconds(1));
		fail(detector, "a", 3);
		advance(Duration.ofSeconds(1));
		fail(detector, "b", 3);
		// c comes back first, then a, then b
		assertThat(detector.filter(List.of("a", "b", "c", "d"), Function.identity())).containsExactly("c", "d");
	}

	@Test
	void filterPrefersShorterRemainingEjectionsOverEarlierOnes() {
		OutlierDetector detector = detector(3, 0.5);
		// a's second ejection (60s) started first but ends last
		fail(detector, "a", 3);
		advance(BASE);
		fail(detector, "a", 3);
		advance(Duration.ofSeconds(1));
		fail(detector, "b", 3);
		fail(detector, "c", 3);
		assertThat(detector.filter(List.of("a", "b", "c", "d"), Function.identity())).containsExactly("b", "d");
	}

	@Test
	void filterResolvesTiesByPosition() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "a", 3);
		fail(detector, "b", 3);
		fail(detector, "c", 3);
		fail(detector, "d", 3);
		assertThat(detector.filter(List.of("c", "a", "d", "b"), Function.identity())).containsExactly("c", "a");
		assertThat(detector.filter(List.of("b", "d", "a", "c"), Function.identity())).containsExactly("b", "d");
	}

	@Test
	void filterNeverRemovesASingleInstance() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		assertThat(detector.isEjected("a")).isTrue();
		assertThat(detector.filter(List.of("a"), Function.identity())).containsExactly("a");
	}

	@Test
	void filterNeverRemovesAllInstances() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "b", 3);
		advance(Duration.ofSeconds(1));
		fail(detector, "a", 3);
		fail(detector, "c", 3);
		assertThat(detector.filter(List.of("a", "b", "c"), Function.identity())).containsExactly("b");
	}

	@Test
	void filterRoundsTheShareDown() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "a", 3);
		fail(detector, "b", 3);
		// floor(3 x 0.5) = 1
		assertThat(detector.filter(List.of("a", "b", "c"), Function.identity())).containsExactly("a", "c");
	}

	@Test
	void filterCopesWithSharesThatDoNotMultiplyExactly() {
		OutlierDetector detector = detector(1, 0.29);
		List<String> instances = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			instances.add("i" + i);
			detector.recordFailure("i" + i);
		}
		// 100 x 0.29 is 28.999999999999996 in floating point
		assertThat(detector.filter(instances, Function.identity())).hasSize(71);
	}

	@Test
	void filterWithZeroShareRemovesNothing() {
		OutlierDetector detector = detector(3, 0);
		fail(detector, "a", 3);
		assertThat(detector.isEjected("a")).isTrue();
		assertThat(detector.filter(List.of("a", "b", "c"), Function.identity())).containsExactly("a", "b", "c");
	}

	@Test
	void filterReturnsTheGivenListWhenNothingIsRemoved() {
		OutlierDetector detector = detector(3, 0.5);
		List<String> instances = List.of("a", "b");
		assertThat(detector.filter(instances, Function.identity())).isSameAs(instances);
		fail(detector, "c", 3);
		assertThat(detector.filter(instances, Function.identity())).isSameAs(instances);
		List<String> empty = List.of();
		assertThat(detector.filter(empty, Function.identity())).isSameAs(empty);
	}

	@Test
	void filteredListIsUnmodifiable() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "a", 3);
		List<String> filtered = detector.filter(new ArrayList<>(List.of("a", "b")), Function.identity());
		assertThat(filtered).containsExactly("b");
		assertThatThrownBy(() -> filtered.add("c")).isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void filterMapsInstancesToIds() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "10.0.0.2:8080", 3);
		List<Instance> instances = new LinkedList<>(List.of(new Instance("10.0.0.1", 8080),
				new Instance("10.0.0.2", 8080), new Instance("10.0.0.2", 8081), new Instance("10.0.0.3", 8080)));
		assertThat(detector.filter(instances, Instance::id)).extracting(Instance::id)
			.containsExactly("10.0.0.1:8080", "10.0.0.2:8081", "10.0.0.3:8080");
	}

	@Test
	void filterKeepsInstancesWithoutAnId() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		List<String> instances = Arrays.asList("a", null, "b");
		assertThat(detector.filter(instances, (id) -> id)).containsExactly(null, "b");
		assertThat(detector.filter(List.of("a", "b"), (id) -> null)).containsExactly("a", "b");
	}

	@Test
	void filterLetsInstancesBackWhenTheirEjectionEnds() {
		OutlierDetector detector = detector(3, 0.5);
		fail(detector, "a", 3);
		List<String> instances = List.of("a", "b");
		assertThat(detector.filter(instances, Function.identity())).containsExactly("b");
		advance(BASE);
		assertThat(detector.filter(instances, Function.identity())).containsExactly("a", "b");
	}

	@Test
	void countsEjectionsAndCurrentlyEjectedInstances() {
		OutlierDetector detector = detector(2, 1.0);
		assertThat(detector.ejections()).isZero();
		assertThat(detector.currentlyEjected()).isZero();
		fail(detector, "a", 2);
		advance(Duration.ofSeconds(10));
		fail(detector, "b", 2);
		fail(detector, "c", 1);
		assertThat(detector.ejections()).isEqualTo(2);
		assertThat(detector.currentlyEjected()).isEqualTo(2);
		advance(Duration.ofSeconds(20));
		assertThat(detector.currentlyEjected()).isOne();
		fail(detector, "a", 2);
		assertThat(detector.ejections()).isEqualTo(3);
		assertThat(detector.currentlyEjected()).isEqualTo(2);
		advance(Duration.ofSeconds(60));
		assertThat(detector.currentlyEjected()).isZero();
		assertThat(detector.ejections()).isEqualTo(3);
	}

	@Test
	void healthyInstancesTakeNoMemory() {
		OutlierDetector detector = detector(3, 1.0);
		for (int i = 0; i < 100; i++) {
			detector.recordSuccess("i" + i);
		}
		assertThat(detector.trackedInstances()).isZero();
		detector.recordFailure("a");
		detector.recordSuccess("a");
		assertThat(detector.trackedInstances()).isZero();
	}

	@Test
	void recoveredInstancesAreForgottenOnceFullyDecayed() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		advance(BASE);
		detector.recordSuccess("a");
		assertThat(detector.trackedInstances()).isOne();
		advance(MAX);
		detector.recordSuccess("a");
		assertThat(detector.trackedInstances()).isZero();
		fail(detector, "a", 3);
		assertEjectedFor(detector, "a", BASE);
	}

	@Test
	void instancesUnseenForALongTimeAreForgotten() {
		OutlierDetector detector = detector(3, 1.0);
		// One failure each, then never seen again (as when instances are scaled down)
		for (int i = 0; i < 1000; i++) {
			detector.recordFailure("i" + i);
		}
		assertThat(detector.trackedInstances()).isEqualTo(1000);
		advance(MAX.multipliedBy(10).minusNanos(1));
		// Sweeps, but nothing is old enough yet
		detector.recordFailure("other");
		assertThat(detector.trackedInstances()).isEqualTo(1001);
		// The next sweep is due a max ejection time later
		advance(MAX);
		assertThat(detector.currentlyEjected()).isZero();
		assertThat(detector.trackedInstances()).isOne();
		fail(detector, "other", 2);
		assertThat(detector.isEjected("other")).isTrue();
	}

	@Test
	void fullyDecayedInstancesAreSweptWithoutBeingSeenAgain() {
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		advance(BASE.plus(MAX).minusNanos(1));
		assertThat(detector.currentlyEjected()).isZero();
		assertThat(detector.trackedInstances()).isOne();
		advance(MAX);
		assertThat(detector.currentlyEjected()).isZero();
		assertThat(detector.trackedInstances()).isZero();
	}

	@Test
	void survivesTheNanoClockWrappingAround() {
		this.nanos.set(Long.MAX_VALUE - Duration.ofSeconds(10).toNanos());
		OutlierDetector detector = detector(3, 1.0);
		fail(detector, "a", 3);
		advance(BASE.minusNanos(1));
		assertThat(this.nanos.get()).isNegative();
		assertThat(detector.isEjected("a")).isTrue();
		advance(Duration.ofNanos(1));
		assertThat(detector.isEjected("a")).isFalse();
	}

	@Test
	void concurrentFailuresEjectAnInstanceOnce() throws Exception {
		OutlierDetector detector = detector(5, 1.0);
		ContendedRun.onThreads(8, () -> {
			fail(detector, "a", 1000);
			return null;
		});
		assertThat(detector.ejections()).isOne();
		assertThat(detector.currentlyEjected()).isOne();
	}

	@Test
	void concurrentFailuresAcrossInstancesAreAllCounted() throws Exception {
		OutlierDetector detector = detector(4, 1.0);
		int threads = 8;
		// Eight failures per instance: the first four eject it, the rest land while it is ejected
		ContendedRun.onThreads(threads, () -> {
			for (int i = 0; i < 500; i++) {
				detector.recordFailure("i" + i);
			}
			return null;
		});
		assertThat(detector.ejections()).isEqualTo(500);
		assertThat(detector.currentlyEjected()).isEqualTo(500);
	}

	@Test
	void concurrentSuccessesAndFailuresKeepStateConsistent() throws Exception {
		OutlierDetector detector = detector(3, 1.0);
		ContendedRun.onThreads(8, () -> {
			for (int i = 0; i < 2000; i++) {
				detector.recordSuccess("a");
				detector.recordFailure("b");
				detector.isEjected("a");
				detector.filter(List.of("a", "b", "c"), Function.identity());
			}
			return null;
		});
		assertThat(detector.isEjected("a")).isFalse();
		assertThat(detector.isEjected("b")).isTrue();
		assertThat(detector.ejections()).isOne();
	}

	@Test
	void consecutiveFailuresIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new OutlierDetector(0, BASE, MAX, 0.5, this.nanos::get))
			.withMessageContaining("consecutiveFailures");
	}

	@Test
	void ejectionTimesAreValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new OutlierDetector(3, null, MAX, 0.5, this.nanos::get))
			.withMessageContaining("baseEjectionTime");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector(3, Duration.ZERO, MAX, 0.5, this.nanos::get))
			.withMessageContaining("baseEjectionTime");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector(3, BASE, Duration.ofSeconds(-1), 0.5, this.nanos::get))
			.withMessageContaining("maxEjectionTime");
		assertThatIllegalArgumentException().isThrownBy(() -> new OutlierDetector(3, BASE, null, 0.5, this.nanos::get))
			.withMessageContaining("maxEjectionTime");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector(3, BASE, BASE.minusNanos(1), 0.5, this.nanos::get))
			.withMessageContaining("maxEjectionTime");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector(3, BASE, Duration.ofDays(365 * 300), 0.5, this.nanos::get))
			.withMessageContaining("maxEjectionTime");
	}

	@Test
	void maxEjectionShareIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new OutlierDetector(3, BASE, MAX, -0.1, this.nanos::get))
			.withMessageContaining("maxEjectionShare");
		assertThatIllegalArgumentException().isThrownBy(() -> new OutlierDetector(3, BASE, MAX, 1.1, this.nanos::get))
			.withMessageContaining("maxEjectionShare");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector(3, BASE, MAX, Double.NaN, this.nanos::get))
			.withMessageContaining("maxEjectionShare");
	}

	@Test
	void nanoClockIsValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> new OutlierDetector(3, BASE, MAX, 0.5, null))
			.withMessageContaining("nanoClock");
	}

	@Test
	void argumentsOfOperationsAreValidated() {
		OutlierDetector detector = detector(3, 0.5);
		assertThatIllegalArgumentException().isThrownBy(() -> detector.recordFailure(null))
			.withMessageContaining("instanceId");
		assertThatIllegalArgumentException().isThrownBy(() -> detector.recordSuccess(null))
			.withMessageContaining("instanceId");
		assertThatIllegalArgumentException().isThrownBy(() -> detector.isEjected(null))
			.withMessageContaining("instanceId");
		assertThatIllegalArgumentException().isThrownBy(() -> detector.filter(null, Function.<String>identity()))
			.withMessageContaining("instances");
		assertThatIllegalArgumentException().isThrownBy(() -> detector.filter(List.of("a"), null))
			.withMessageContaining("idOf");
	}

	private OutlierDetector detector(int consecutiveFailures, double maxEjectionShare) {
		return new OutlierDetector(consecutiveFailures, BASE, MAX, maxEjectionShare, this.nanos::get);
	}

	/**
	 * Eject instance "a" twice (base, then 2 x base) and advance to the moment it comes back.
	 */
	private OutlierDetector ejectedTwiceAndBack(Duration base, Duration max) {
		OutlierDetector detector = new OutlierDetector(3, base, max, 1.0, this.nanos::get);
		fail(detector, "a", 3);
		advance(base);
		fail(detector, "a", 3);
		advance(base.multipliedBy(2));
		assertThat(detector.isEjected("a")).isFalse();
		return detector;
	}

	/**
	 * Assert that the instance is ejected for exactly the given time from now, leaving the clock
	 * at the moment it comes back.
	 */
	private void assertEjectedFor(OutlierDetector detector, String instanceId, Duration expected) {
		assertThat(detector.isEjected(instanceId)).isTrue();
		advance(expected.minusNanos(1));
		assertThat(detector.isEjected(instanceId)).as("ejected just before %s", expected).isTrue();
		advance(Duration.ofNanos(1));
		assertThat(detector.isEjected(instanceId)).as("back after %s", expected).isFalse();
	}

	private static void fail(OutlierDetector detector, String instanceId, int times) {
		for (int i = 0; i < times; i++) {
			detector.recordFailure(instanceId);
		}
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	record Instance(String host, int port) {

		String id() {
			return this.host + ":" + this.port;
		}

	}

}
