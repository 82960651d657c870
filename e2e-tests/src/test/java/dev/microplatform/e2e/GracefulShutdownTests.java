package dev.microplatform.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance that is told to stop leaves Consul's passing set at once, and API consumers do not
 * notice: the gateway keeps answering from the other instances.
 */
class GracefulShutdownTests {

	private Process extraGreeter;

	@AfterEach
	void stopExtraGreeter() throws InterruptedException {
		Platform.stop(this.extraGreeter);
	}

	@Test
	void sigtermedInstanceLeavesConsulWithinFiveSecondsAndGreetingsKeepSucceeding() throws Exception {
		int port = Platform.freePort();
		this.extraGreeter = Platform.startInstance("greeter-service", port);
		await("third greeter passing in Consul").atMost(Duration.ofSeconds(120))
			.until(() -> Platform.passingPorts("greeter-service").contains(port));
		String id = Platform.instanceIdOn("greeter-service", port);
		await("gateway routing to the third greeter").atMost(Duration.ofSeconds(30))
			.until(() -> id.equals(JsonPath.read(Platform.greet("Ada").body(), "$.instance")));

		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		List<Integer> statuses = new ArrayList<>();
		// Traffic runs until a deadline set once the instance has exited.
		AtomicLong sendUntil = new AtomicLong(Long.MAX_VALUE);
		CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
			while (System.nanoTime() < sendUntil.get()) {
				try {
					HttpResponse<String> response = Platform.greet("Ada");
					synchronized (statuses) {
						statuses.add(response.statusCode());
					}
					if (response.statusCode() != 200) {
						failures.add(response.statusCode() + " " + response.body());
					}
				}
				catch (RuntimeException ex) {
					failures.add(ex.toString());
				}
			}
		});

		long sigterm = System.nanoTime();
		this.extraGreeter.destroy(); // SIGTERM
		await("third greeter out of Consul's passing set").atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> !Platform.passingPorts("greeter-service").contains(port));
		Duration leftAfter = Duration.ofNanos(System.nanoTime() - sigterm);
		assertThat(this.extraGreeter.waitFor(30, TimeUnit.SECONDS)).as("greeter exits after SIGTERM").isTrue();

		// Keep sending for longer than the load balancer's cache lifetime (5 s) after the exit.
		sendUntil.set(System.nanoTime() + Duration.ofSeconds(7).toNanos());
		traffic.get(30, TimeUnit.SECONDS);

		assertThat(leftAfter).isLessThanOrEqualTo(Duration.ofSeconds(5));
		assertThat(statuses).as("greetings sent while the instance stopped").hasSizeGreaterThan(20);
		assertThat(failures).as("failed greetings").isEmpty();
	}

}
