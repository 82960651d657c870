package dev.microplatform.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
		if (this.extraGreeter != null && this.extraGreeter.isAlive()) {
			this.extraGreeter.destroy();
			if (!this.extraGreeter.waitFor(30, TimeUnit.SECONDS)) {
				this.extraGreeter.destroyForcibly();
			}
		}
	}

	@Test
	void sigtermedInstanceLeavesConsulWithinFiveSecondsAndGreetingsKeepSucceeding() throws Exception {
		int port = freePort();
		this.extraGreeter = startGreeter(port);
		await("third greeter passing in Consul").atMost(Duration.ofSeconds(120))
			.until(() -> Platform.passingPorts("greeter-service").contains(port));
		String id = instanceIdOn(port);
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

	private Process startGreeter(int port) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(Arrays.asList(System.getProperty("platform.java-opts", "").trim().split("\\s+")));
		command.addAll(List.of("-jar", Platform.jar("greeter-service").toString(), "--server.port=" + port));
		command.removeIf(String::isEmpty);
		Path log = Path.of("target", "greeter-" + port + ".log");
		Files.createDirectories(log.getParent());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("SPRING_CLOUD_CONSUL_DISCOVERY_HOSTNAME", "127.0.0.1");
		return builder.start();
	}

	private static String instanceIdOn(int port) {
		List<String> ids = JsonPath.read(Platform.get(Platform.CONSUL, "/v1/health/service/greeter-service").body(),
				"$[?(@.Service.Port == " + port + ")].Service.ID");
		assertThat(ids).hasSize(1);
		return ids.get(0);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
