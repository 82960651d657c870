package dev.microplatform.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * greeter-service calls salutation-service by name through the starter's resilient client: these
 * tests break salutation-service instances for real (SIGKILL, injected 500s and delays) and watch
 * what greeter's callers get and what greeter's own metrics say.
 */
class ResilientCallsTests {

	/** How long greeter's load balancer keeps an instance list, as the starter's defaults say. */
	private static final Duration LOAD_BALANCER_CACHE = loadBalancerCacheTtl();

	private static final Map<String, String> SALUTATION_TARGET = Map.of("target", "salutation-service");

	private static final Map<String, String> SALUTATION_BREAKER = Map.of("name", "salutation-service");

	private static final String GREETING = "/greetings?name=Ada&lang=fr";

	private static final int LOAD_CALLERS = 4;

	private Process extraSalutation;

	@BeforeAll
	static void startFromAMachineAtRest() {
		Platform.awaitQuietMachine();
	}

	@AfterEach
	void restoreSalutationService() throws InterruptedException {
		Platform.stop(this.extraSalutation);
		Platform.clearFaults();
		// Leave greeter's circuit to salutation-service closed, and every instance back in rotation
		// (an ejection outlives the fault that caused it), for the next test.
		await("greeter getting real salutations again").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !fallback(greet()) && breakerIs("closed"));
		await("no salutation instance ejected by greeter").atMost(Duration.ofSeconds(70))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> Platform.metric(Platform.GREETER_1, "platform_client_outlier_ejected", SALUTATION_TARGET) == 0);
	}

	@Test
	void killedInstanceIsEjectedWithinASecondAndNoCallerNoticesIt() throws Exception {
		int port = Platform.freePort();
		this.extraSalutation = Platform.startInstance("salutation-service", port);
		await("third salutation instance passing in Consul").atMost(Duration.ofSeconds(120))
			.until(() -> Platform.passingPorts("salutation-service").contains(port));
		String id = Platform.instanceIdOn("salutation-service", port);
		// Warm the new instance up (JIT) so that peak-EWMA gives it its share of greeter's calls, as a
		// running instance has: a cold one is slower and rarely chosen.
		URI extra = URI.create("http://127.0.0.1:" + port);
		for (int i = 0; i < 300; i++) {
			Platform.get(extra, "/salutations?lang=fr");
		}
		await("greeter calling the third salutation instance").atMost(Duration.ofSeconds(30))
			.until(() -> id.equals(salutationInstance(greet())));
		double ejectionsBefore = Platform.metric(Platform.GREETER_1, "platform_client_outlier_ejections_total",
				SALUTATION_TARGET);

		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		List<String> served = new ArrayList<>();
		AtomicBoolean sending = new AtomicBoolean(true);
		// Four callers at once: load enough that a dead instance meets a few calls within the second
		ExecutorService callers = Executors.newFixedThreadPool(LOAD_CALLERS);
		CompletableFuture<?>[] senders = new CompletableFuture<?>[LOAD_CALLERS];
		for (int i = 0; i < LOAD_CALLERS; i++) {
			senders[i] = CompletableFuture.runAsync(() -> {
				while (sending.get()) {
					HttpResponse<String> response = greet();
					if (response.statusCode() != 200 || fallback(response)) {
						failures.add(response.statusCode() + " " + response.body());
					}
					synchronized (served) {
						served.add(salutationInstance(response));
					}
				}
			}, callers);
		}
		CompletableFuture<Void> load = CompletableFuture.allOf(senders);

		Duration ejectedAfter;
		int greetedBeforeEjection;
		long servedByDeadBeforeEjection;
		try {
			// Kill it while it is taking its share: peak-EWMA avoids an instance that answered slowly
			// once (a cold connection) until its cost decays, and one it avoids has nothing to eject.
			await("the third instance taking its share of the load").atMost(Duration.ofSeconds(60)).until(() -> {
				synchronized (served) {
					return served.size() > 30
							&& served.subList(served.size() - 30, served.size()).stream().filter(id::equals).count() >= 5;
				}
			});
			long killed = System.nanoTime();
			int greetedAtKill;
			synchronized (served) {
				greetedAtKill = served.size();
			}
			this.extraSalutation.destroyForcibly(); // SIGKILL: no deregistration, connections refused
			// Waits longer than the 1 s asserted below, so that a miss says by how much
			await("dead instance ejected by greeter").atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> Platform.metric(Platform.GREETER_1, "platform_client_outlier_ejections_total",
						SALUTATION_TARGET) > ejectionsBefore);
			ejectedAfter = Duration.ofNanos(System.nanoTime() - killed);
			synchronized (served) {
				greetedBeforeEjection = served.size() - greetedAtKill;
				servedByDeadBeforeEjection = served.subList(greetedAtKill, served.size()).stream().filter(id::equals).count();
			}
			await("dead instance out of Consul's passing set").atMost(Duration.ofSeconds(60))
				.until(() -> !Platform.passingPorts("salutation-service").contains(port));
			long leftConsul = System.nanoTime();
			// From now on the dead instance's port answers connections, and notes when greeter's came
			// (not Consul's health checks): once greeter's load-balancer cache
			// (spring.cloud.loadbalancer.cache.ttl, 5 s) has expired, greeter must not try it any more,
			// so none may arrive after that
			try (ServerSocket deadPort = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
				List<Long> attempts = new CopyOnWriteArrayList<>();
				CompletableFuture<Void> noting = CompletableFuture.runAsync(() -> {
					while (!deadPort.isClosed()) {
						try (Socket attempt = deadPort.accept()) {
							long at = System.nanoTime();
							attempt.setSoTimeout(2000);
							String requestLine = new BufferedReader(
									new InputStreamReader(attempt.getInputStream(), StandardCharsets.ISO_8859_1))
								.readLine();
							// Consul keeps checking the instance's health until it deregisters it
							if (requestLine == null || !requestLine.startsWith("GET /actuator/health")) {
								attempts.add(at);
							}
						}
						catch (IOException ex) {
							// closed: noting ends
						}
					}
				});
				long cacheExpired = leftConsul + LOAD_BALANCER_CACHE.toNanos();
				int[] sentAfterExpiry = { -1 };
				await("20 more greetings after greeter's cache expired").atMost(Duration.ofSeconds(60)).until(() -> {
					synchronized (served) {
						if (sentAfterExpiry[0] < 0 && System.nanoTime() > cacheExpired) {
							sentAfterExpiry[0] = served.size();
						}
						return sentAfterExpiry[0] >= 0 && served.size() > sentAfterExpiry[0] + 20;
					}
				});
				assertThat(attempts).as("greeter's attempts on the dead instance once its cache had expired")
					.allSatisfy((at) -> assertThat(at).isLessThan(cacheExpired));
				deadPort.close();
				noting.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			sending.set(false);
			load.get(30, TimeUnit.SECONDS);
			callers.shutdown();
		}

		assertThat(ejectedAfter).as("time to ejection, with %d greetings answered meanwhile, %d by the killed instance",
				greetedBeforeEjection, servedByDeadBeforeEjection)
			.isLessThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(failures).as("greetings that failed or fell back").isEmpty();
	}

	@Test
	void failingDownstreamOpensTheCircuitFallbacksAreFastAndItClosesAfterRecovery() {
		Platform.SALUTATIONS.forEach((salutation) -> Platform.injectFault(salutation, 0, 500));
		int calls = 0;
		while (!breakerIs("open") && calls < 30) {
			HttpResponse<String> response = greet();
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(fallback(response)).as("a failed salutation is answered with the fallback").isTrue();
			calls++;
		}
		// resilience4j.circuitbreaker.configs.default: minimum-number-of-calls 10, failure rate 50 %.
		assertThat(calls).as("calls until the circuit opened").isLessThanOrEqualTo(10);

		// Measured as the service answers in steady state: the first fallbacks run its code cold (JIT)
		for (int i = 0; i < 30; i++) {
			assertThat(fallback(greet())).isTrue();
		}
		// Timed as greeter serves them (its http.server.requests objective buckets), and only in batches
		// that the open breaker refused whole: one that straddles its move to half-open (after 5 s)
		// holds real calls to the failing service, not fallbacks of an open circuit.
		double[] fallbacks = { 0, 0 }; // served, of which within 10 ms
		await("20 fallbacks served while the circuit was open").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> {
				for (int i = 0; i < 20 && !breakerIs("open"); i++) {
					greet(); // half-open: a failed call opens it again
				}
				double refusedBefore = notPermittedCalls();
				double servedBefore = greetingsServed("+Inf");
				double fastBefore = greetingsServed("0.01");
				for (int i = 0; i < 10; i++) {
					assertThat(fallback(greet())).isTrue();
				}
				if (notPermittedCalls() - refusedBefore == 10) {
					fallbacks[0] += greetingsServed("+Inf") - servedBefore;
					fallbacks[1] += greetingsServed("0.01") - fastBefore;
				}
				return fallbacks[0] >= 20;
			});
		assertThat(fallbacks[1] / fallbacks[0]).as("share of fallbacks served within 10 ms").isGreaterThanOrEqualTo(0.9);

		Platform.clearFaults();
		// Open for 5 s, then half-open: three successful calls close it.
		await("circuit closed after salutation-service recovered").atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !fallback(greet()) && breakerIs("closed"));
	}

	@Test
	void slowInstanceIsAvoidedByPeakEwmaAndTimeoutsFireAtTheConfiguredValue() {
		URI slow = Platform.SALUTATIONS.get(0);
		String slowId = Platform.instanceIdOn("salutation-service", slow.getPort());
		Platform.injectFault(slow, 150, 0);
		long warmUpUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		while (System.nanoTime() < warmUpUntil) {
			greet();
		}
		int toSlow = 0;
		for (int i = 0; i < 50; i++) {
			if (slowId.equals(salutationInstance(greet()))) {
				toSlow++;
			}
		}
		assertThat(toSlow).as("of 50 calls after one second, to the slow instance").isLessThanOrEqualTo(5);

		// Both instances take 5 s; greeter's read timeout to salutation-service is 300 ms
		// (config-repo/greeter-service.yml), so each attempt gives up after 300 ms.
		Platform.SALUTATIONS.forEach((salutation) -> Platform.injectFault(salutation, 5000, 0));
		long start = System.nanoTime();
		HttpResponse<String> response = greet();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(fallback(response)).isTrue();
		assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofMillis(4500));
	}

	@Test
	void retriesNeverAddMoreThanTheBudgetToTheDownstreamsLoad() {
		// Let retries of earlier tests leave the 10 s window: only the floor (1/s × 10 s) remains.
		await("retry budget back at its floor").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> budgetAvailable() <= 11);
		double available = budgetAvailable();
		Platform.SALUTATIONS.forEach((salutation) -> Platform.injectFault(salutation, 0, 500));
		double receivedBefore = salutationCallsReceived();

		// Fewer calls than the circuit breaker's minimum, so every call reaches salutation-service.
		int originals = 9;
		for (int i = 0; i < originals; i++) {
			assertThat(fallback(greet())).isTrue();
		}
		double received = salutationCallsReceived() - receivedBefore;

		// Without a budget each call would be tried 3 times (27 calls).
		assertThat(received).as("calls salutation-service received").isGreaterThan(originals)
			.isLessThanOrEqualTo(originals + available + Math.ceil(0.2 * originals))
			.isLessThan(3 * originals);
		assertThat(Platform.metric(Platform.GREETER_1, "platform_client_retry_budget_rejected_total",
				SALUTATION_TARGET)).isPositive();
	}

	private static HttpResponse<String> greet() {
		return Platform.get(Platform.GREETER_1, GREETING);
	}

	private static boolean fallback(HttpResponse<String> greeting) {
		return greeting.statusCode() != 200 || JsonPath.<Boolean>read(greeting.body(), "$.salutation.fallback");
	}

	private static String salutationInstance(HttpResponse<String> greeting) {
		return JsonPath.read(greeting.body(), "$.salutation.instance");
	}

	private static boolean breakerIs(String state) {
		Map<String, String> labels = new java.util.HashMap<>(SALUTATION_BREAKER);
		labels.put("state", state);
		return Platform.metric(Platform.GREETER_1, "resilience4j_circuitbreaker_state", labels) == 1.0;
	}

	/** Greetings greeter-1 has served within {@code le} seconds ({@code +Inf}: all of them). */
	private static double greetingsServed(String le) {
		return Platform.metric(Platform.GREETER_1, "http_server_requests_seconds_bucket",
				Map.of("uri", "/greetings", "le", le));
	}

	private static double notPermittedCalls() {
		return Platform.metric(Platform.GREETER_1, "resilience4j_circuitbreaker_not_permitted_calls_total",
				SALUTATION_BREAKER);
	}

	private static double budgetAvailable() {
		return Platform.metric(Platform.GREETER_1, "platform_client_retry_budget_available", SALUTATION_TARGET);
	}

	private static double salutationCallsReceived() {
		return Platform.SALUTATIONS.stream()
			.mapToDouble((salutation) -> Platform.metric(salutation, "http_server_requests_seconds_count",
					Map.of("uri", "/salutations")))
			.sum();
	}


	private static Duration loadBalancerCacheTtl() {
		Properties defaults = new Properties();
		try (InputStream in = Files.newInputStream(
				Platform.ROOT.resolve("platform-starter/src/main/resources/platform-defaults.properties"))) {
			defaults.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String ttl = defaults.getProperty("spring.cloud.loadbalancer.cache.ttl");
		assertThat(ttl).as("spring.cloud.loadbalancer.cache.ttl in platform-defaults.properties").matches("\\d+s");
		return Duration.ofSeconds(Long.parseLong(ttl.substring(0, ttl.length() - 1)));
	}

}
