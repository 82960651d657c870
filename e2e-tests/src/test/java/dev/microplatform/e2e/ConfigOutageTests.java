package dev.microplatform.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ or config-service away while services run: they keep serving with the configuration
 * they have, stay in rotation, and the next change after the outage reaches them again.
 */
class ConfigOutageTests {

	private static final Path GREETER_YML = ServedConfigRepo.file("greeter-service.yml");

	private String original;

	@AfterEach
	void restore() throws Exception {
		launcher("up");
		if (this.original != null
				&& ServedConfigRepo.restore(Map.of(GREETER_YML, this.original), "Restore greeter-service.yml after an outage test")) {
			// Served everywhere before the next test stops something again
			Platform.awaitEveryGreeterSays(ServedConfigRepo.greeting("Config"), Duration.ofSeconds(30));
		}
	}

	@Test
	void withRabbitMqDownServicesKeepServingAndTheNextChangeAfterItsReturnPropagates() throws Exception {
		outageOf("rabbitmq");
	}

	@Test
	void withConfigServiceDownServicesKeepServingAndTheNextChangeAfterItsReturnPropagates() throws Exception {
		outageOf("config-service");
	}

	@Test
	void aServiceStartingWhileConfigServiceIsDownRetriesThenRefusesToStartWithOneClearLine() throws Exception {
		stop("config-service");
		int port = Platform.freePort();
		// Fewer, shorter retries than the default half minute, the same behaviour
		Process greeter = Platform.startInstance("greeter-service", port, "--spring.cloud.config.retry.max-attempts=3",
				"--spring.cloud.config.retry.initial-interval=500");
		try {
			assertThat(greeter.waitFor(2, TimeUnit.MINUTES)).as("exits on its own").isTrue();
			assertThat(greeter.exitValue()).isNotZero();
			String log = Files.readString(Path.of("target", "greeter-service-" + port + ".log"));
			assertThat(log.lines().filter((line) -> line.startsWith("Could not get this service's configuration")))
				.as(log).containsExactly("Could not get this service's configuration: Consul lists no passing instance of "
						+ "config-service (No instances found of configserver (config-service)), after retrying.");
			assertThat(log).as("no stack trace").doesNotContain("\tat ");
			List<Integer> registered = JsonPath.read(Platform.consul("/v1/health/service/greeter-service").body(),
					"$[*].Service.Port");
			assertThat(registered).as("never registered").doesNotContain(port);
		}
		finally {
			Platform.stop(greeter);
		}
	}

	private void outageOf(String component) throws Exception {
		this.original = Files.readString(GREETER_YML);
		List<Integer> greeters = Platform.passingPorts("greeter-service");
		assertThat(greeters).hasSize(2);
		stop(component);
		try {
			// For longer than Consul's health checks take to notice (2 s): nothing fails meanwhile
			long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
			while (System.nanoTime() < until) {
				HttpResponse<String> response = Platform.greet("Outage");
				assertThat(response.statusCode()).as(component + " down: " + response.body()).isEqualTo(200);
			}
			assertThat(Platform.passingPorts("greeter-service")).as("greeters still in rotation")
				.containsExactlyInAnyOrderElementsOf(greeters);
		}
		finally {
			launcher("up");
		}
		// Once it is back (and the instances are back on the bus), a commit reaches them again. An
		// instance reconnects within about a second of the broker's return: a commit sent before it
		// has, which it misses, is followed by another.
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptionsInstanceOf(ConditionTimeoutException.class)
			.untilAsserted(() -> {
				String marker = "after " + component + " came back " + System.nanoTime();
				ServedConfigRepo.commitGreeterTemplate("Hello, {name}! " + marker, "Greeting " + marker);
				await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
					for (int port : greeters) {
						HttpResponse<String> response = Platform.get(URI.create("http://127.0.0.1:" + port),
								"/greetings?name=Back");
						assertThat((String) JsonPath.read(response.body(), "$.message")).isEqualTo("Hello, Back! " + marker);
					}
				});
			});
	}

	/** Stops one process of the platform the way a crash would look to the others: at once. */
	private static void stop(String component) throws Exception {
		ProcessHandle process = ProcessHandle.of(Platform.pidOf(component)).orElseThrow();
		process.destroy();
		process.onExit().get(30, TimeUnit.SECONDS);
	}

	private static void launcher(String command) throws Exception {
		Platform.LauncherRun run = Platform.launcher(command);
		assertThat(run.exitValue()).as(run.output()).isZero();
	}
}
