package dev.microplatform.e2e;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A paused instance (a long GC pause, a frozen VM, a stuck disk: SIGSTOP for 10 s) is not an outage.
 * Under a steady 40 requests a second through the real gateway, the callers in front of the paused
 * instance (the gateway for a greeter, a greeter for a salutation-service instance) leave it after
 * one attempt's timeout, retry on the healthy instance and eject the paused one: at most 1 % of
 * requests fail, the 99th percentile stays under 1.5 s, and every request is answered.
 */
class GreyFailureTests {

	private static final Duration PAUSE = Duration.ofSeconds(10);

	private static final int REQUESTS_PER_SECOND = 40;

	private Long paused;

	@AfterEach
	void resumeThePausedInstance() throws IOException, InterruptedException {
		if (this.paused != null) {
			signal("CONT", this.paused);
			this.paused = null;
		}
	}

	/**
	 * The gateway in front of a paused greeter, and the greeters in front of a paused salutation
	 * instance (a fallback greeting is a failed call to salutation-service too).
	 */
	@ParameterizedTest(name = "{0} paused")
	@CsvSource({ "greeter-service-1, greeter-service, $.instance",
			"salutation-service-1, salutation-service, $.salutation.instance" })
	void anInstancePausedForTenSecondsCostsAtMostOnePercentOfRequestsAndNoneAfterItResumes(String component,
			String service, String instancePath) throws Exception {
		Platform.awaitQuietMachine();
		List<Result> results = underSteadyLoad(Platform.pidOf(component));
		assertServedThrough(results);
		// Back in rotation after it resumed: every instance answers again
		awaitEveryInstanceServes(service, 2, instancePath);
	}

	@Test
	void oneFailingInstanceDoesNotOpenTheRoutesBreakerButIsEjected() {
		double ejectionsBefore = Platform.metric(Platform.GATEWAY_MANAGEMENT, "platform_client_outlier_ejections_total",
				Map.of("target", "salutation-service"));
		try {
			Platform.injectFault(Platform.SALUTATIONS.get(0), 0, 500);
			for (int i = 0; i < 60; i++) {
				HttpResponse<String> response = Platform.get(Platform.GATEWAY, "/api/salutation/salutations?lang=fr",
						Platform.PARTNER);
				assertThat(response.statusCode()).as("call %d with one of two instances failing", i).isEqualTo(200);
			}
			assertThat(Platform.metric(Platform.GATEWAY_MANAGEMENT, "resilience4j_circuitbreaker_state",
					Map.of("name", "salutation-service", "state", "closed"))).as("salutation route's breaker closed")
				.isEqualTo(1.0);
			assertThat(Platform.metric(Platform.GATEWAY_MANAGEMENT, "platform_client_outlier_ejections_total",
					Map.of("target", "salutation-service"))).as("ejections of the failing instance").isGreaterThan(ejectionsBefore);
		}
		finally {
			Platform.clearFaults();
		}
	}

	/** What one request of the load got: its status, whether it was a fallback, how long it took. */
	private record Result(int status, boolean fallback, long millis) {

		boolean failed() {
			return this.status != 200 || this.fallback;
		}

	}

	/**
	 * Greetings through the gateway at a steady rate: 2 s before the pause, during it, and 3 s after
	 * the instance resumed. Every request is awaited to its answer (or its 10 s client timeout).
	 */
	private List<Result> underSteadyLoad(long pid) throws Exception {
		ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
		List<CompletableFuture<Result>> requests = new ArrayList<>();
		long periodMicros = TimeUnit.SECONDS.toMicros(1) / REQUESTS_PER_SECOND;
		try {
			clock.scheduleAtFixedRate(() -> {
				synchronized (requests) {
					requests.add(greeting());
				}
			}, 0, periodMicros, TimeUnit.MICROSECONDS);
			CompletableFuture<Void> pauseAndResume = new CompletableFuture<>();
			clock.schedule(() -> {
				try {
					signal("STOP", pid);
					this.paused = pid;
					clock.schedule(() -> {
						try {
							signal("CONT", pid);
							this.paused = null;
							pauseAndResume.complete(null);
						}
						catch (Exception ex) {
							pauseAndResume.completeExceptionally(ex);
						}
					}, PAUSE.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (Exception ex) {
					pauseAndResume.completeExceptionally(ex);
				}
			}, 2, TimeUnit.SECONDS);
			pauseAndResume.get(30, TimeUnit.SECONDS);
			CompletableFuture<Void> afterResume = new CompletableFuture<>();
			clock.schedule(() -> afterResume.complete(null), 3, TimeUnit.SECONDS);
			afterResume.get(10, TimeUnit.SECONDS);
		}
		finally {
			clock.shutdownNow();
		}
		List<CompletableFuture<Result>> sent;
		synchronized (requests) {
			sent = List.copyOf(requests);
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		return sent.stream().map(CompletableFuture::join).toList();
	}

	private static CompletableFuture<Result> greeting() {
		HttpRequest request = HttpRequest.newBuilder(Platform.GATEWAY.resolve("/api/greeter/greetings?name=Grey"))
			.header("X-API-Key", Platform.PARTNER.get("X-API-Key"))
			.timeout(Duration.ofSeconds(10))
			.build();
		long start = System.nanoTime();
		return Platform.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			if (failure != null) {
				return new Result(0, false, millis);
			}
			boolean fallback = response.statusCode() == 200 && response.body().contains("\"fallback\":true");
			return new Result(response.statusCode(), fallback, millis);
		});
	}

	private static void assertServedThrough(List<Result> results) {
		int expected = (int) ((2 + PAUSE.toSeconds() + 3) * REQUESTS_PER_SECOND);
		assertThat(results).as("requests sent and answered").hasSizeGreaterThanOrEqualTo(expected * 9 / 10);
		long failed = results.stream().filter(Result::failed).count();
		List<Long> latencies = results.stream().map(Result::millis).sorted().toList();
		long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
		System.out.printf("Grey failure: %d of %d requests failed, p99 %d ms, max %d ms%n", failed, results.size(), p99,
				latencies.get(latencies.size() - 1));
		assertThat(failed).as("failed of %d requests (p99 %d ms)", results.size(), p99).isLessThanOrEqualTo(results.size() / 100);
		assertThat(p99).as("99th percentile latency, ms").isLessThan(1500);
	}

	/** Waits until calls through the gateway have reached every instance of a service again. */
	private static void awaitEveryInstanceServes(String service, int instances, String instancePath) {
		List<String> seen = new ArrayList<>();
		await(service + ": every instance serving again").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				HttpResponse<String> response = Platform.greet("Resumed");
				if (response.statusCode() == 200) {
					String instance = JsonPath.read(response.body(), instancePath);
					if (!seen.contains(instance)) {
						seen.add(instance);
					}
				}
				return seen.size() == instances;
			});
	}

	private static void signal(String signal, long pid) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
		assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
	}

}
