package dev.microplatform.e2e;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every log line written while a request is served carries its trace and span ids, taken from the
 * caller's W3C {@code traceparent}: a greeter of its own (not in Consul) that logs each request
 * (Spring MVC's dispatcher at DEBUG), called with a trace id the test made up.
 */
class LogCorrelationTests {

	private static Process greeter;

	private static URI base;

	private static Path log;

	@BeforeAll
	static void startAGreeterThatLogsEveryRequest() {
		int port = Platform.freePort();
		base = URI.create("http://127.0.0.1:" + port);
		greeter = Platform.startInstance("greeter-service", port, "--spring.cloud.consul.discovery.register=false",
				"--logging.level.org.springframework.web.servlet.DispatcherServlet=DEBUG");
		log = Path.of("target", "greeter-service-" + port + ".log");
		await("greeter logging every request up").atMost(Duration.ofSeconds(120))
			.ignoreExceptions()
			.until(() -> Platform.get(base, "/actuator/health").statusCode() == 200);
	}

	@AfterAll
	static void stopIt() throws InterruptedException {
		Platform.stop(greeter);
	}

	@Test
	void everyLineLoggedWhileServingARequestCarriesTheCallersTraceId() {
		String traceId = hex(16);
		String parentSpanId = hex(8);
		HttpResponse<String> response = Platform.get(base, "/greetings?name=Logged",
				Map.of("traceparent", "00-" + traceId + "-" + parentSpanId + "-01"));
		assertThat(response.statusCode()).isEqualTo(200);
		await("the request's log lines").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> {
				List<String> lines = Files.readAllLines(log).stream()
					.filter((line) -> line.contains("DispatcherServlet") && line.contains("/greetings?name=Logged"))
					.toList();
				assertThat(lines).as("the dispatcher's lines about the request").isNotEmpty()
					.allSatisfy((line) -> assertThat(line).containsPattern("\\[" + traceId + "-[0-9a-f]{16}\\]"));
			});
	}

	private static String hex(int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		return HexFormat.of().formatHex(random);
	}

}
