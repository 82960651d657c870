package dev.microplatform.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every log line written while a request is served carries its trace and span ids, taken from the
 * caller's W3C {@code traceparent}: a greeter of its own (not in Consul) that logs each request
 * (Spring MVC's dispatcher at DEBUG), called with a trace id the test made up.
 */
class LogCorrelationTests {

	@RegisterExtension
	static final UnlistedInstance greeter = UnlistedInstance.of("greeter-service",
			"--logging.level.org.springframework.web.servlet.DispatcherServlet=DEBUG");

	@Test
	void everyLineLoggedWhileServingARequestCarriesTheCallersTraceId() {
		String traceId = hex(16);
		String parentSpanId = hex(8);
		HttpResponse<String> response = Platform.get(greeter.base(), "/greetings?name=Logged",
				Map.of("traceparent", "00-" + traceId + "-" + parentSpanId + "-01"));
		assertThat(response.statusCode()).isEqualTo(200);
		await("the request's log lines").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> {
				List<String> lines = Files.readAllLines(greeter.log()).stream()
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
