package dev.microplatform.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A route's circuit breaker counts only what is the backend's fault, so no client can open a route
 * for every other consumer. An anonymous client sends its worst requests at its full rate limit
 * (the greeter route is open to anonymous callers): a deadline of its own that has already passed,
 * bodies over the limit, bodies that stop half-way, requests the backend refuses as bad input. A
 * keyed consumer calling the same route meanwhile gets every greeting, and the route's breaker stays
 * closed, having counted none of it as a failure.
 */
class RouteBreakerAbuseTests {

	private static final String ROUTE = "/api/greeter/greetings";

	@Test
	void anAnonymousClientsWorstRequestsAtItsRateLimitChangeNothingForAKeyedConsumer() throws Exception {
		double failedBefore = Platform.metric(Platform.GATEWAY_MANAGEMENT, "resilience4j_circuitbreaker_calls_seconds_count",
				Map.of("name", "greeter-service", "kind", "failed"));
		List<CompletableFuture<Void>> attacks = new ArrayList<>();
		List<Integer> consumerStatuses = new ArrayList<>();
		ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
		AtomicInteger round = new AtomicInteger();
		try {
			// The anonymous limit is 10/s with a burst of 20: 12 attacks a second use it up
			clock.scheduleAtFixedRate(() -> {
				synchronized (attacks) {
					attacks.add(CompletableFuture.runAsync(attack(round.getAndIncrement())));
				}
			}, 0, 1000 / 12, TimeUnit.MILLISECONDS);
			clock.scheduleAtFixedRate(() -> {
				int status = Platform.get(Platform.GATEWAY, ROUTE + "?name=Keyed", Platform.PARTNER).statusCode();
				synchronized (consumerStatuses) {
					consumerStatuses.add(status);
				}
			}, 0, 250, TimeUnit.MILLISECONDS);
			CompletableFuture<Void> sixSeconds = new CompletableFuture<>();
			clock.schedule(() -> sixSeconds.complete(null), 6, TimeUnit.SECONDS);
			sixSeconds.get(20, TimeUnit.SECONDS);
		}
		finally {
			clock.shutdownNow();
			clock.awaitTermination(15, TimeUnit.SECONDS);
		}
		synchronized (attacks) {
			CompletableFuture.allOf(attacks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		assertThat(consumerStatuses).as("the keyed consumer's answers meanwhile").isNotEmpty().containsOnly(200);
		assertThat(Platform.get(Platform.GATEWAY, ROUTE + "?name=Keyed", Platform.PARTNER).statusCode()).isEqualTo(200);
		assertThat(Platform.metric(Platform.GATEWAY_MANAGEMENT, "resilience4j_circuitbreaker_state",
				Map.of("name", "greeter-service", "state", "closed"))).as("greeter route's breaker closed").isEqualTo(1.0);
		assertThat(Platform.metric(Platform.GATEWAY_MANAGEMENT, "resilience4j_circuitbreaker_calls_seconds_count",
				Map.of("name", "greeter-service", "kind", "failed")))
			.as("failures the route's breaker counted").isEqualTo(failedBefore);
	}

	/** One of the anonymous client's worst requests, as raw bytes (none gets a 5xx from the backend). */
	private static Runnable attack(int round) {
		String head = "Host: localhost\r\n";
		String request = switch (round % 4) {
			// A deadline of its own, already passed: the gateway sets its own
			case 0 -> "GET " + ROUTE + "?name=Past HTTP/1.1\r\n" + head + "X-Request-Timeout-Ms: 0\r\nConnection: close\r\n\r\n";
			// A chunked body over the limit
			case 1 -> "POST " + ROUTE + " HTTP/1.1\r\n" + head
					+ "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
			// A body that stops half-way and a connection closed under it
			case 2 -> "POST " + ROUTE + " HTTP/1.1\r\n" + head + "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\nhalf";
			// Bad input, which the backend refuses with a 4xx
			default -> "GET " + ROUTE + "?name=" + "x".repeat(300) + "&lang=%F0%9F%92%A9 HTTP/1.1\r\n" + head
					+ "Connection: close\r\n\r\n";
		};
		return () -> {
			try (RawHttp connection = RawHttp.connect(Platform.GATEWAY)) {
				connection.send(request);
				if (round % 4 == 1) {
					byte[] chunk = ("100000\r\n" + "x".repeat(0x100000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
					for (int i = 0; i < 6 && connection.send(chunk); i++) {
						// next megabyte
					}
				}
				// Half a body: gone before it is whole, without waiting for an answer
				if (round % 4 != 2) {
					connection.answersUntilClosed(Duration.ofSeconds(40));
				}
			}
		};
	}

}
