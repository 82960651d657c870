package dev.microplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client says about itself reaches no backend: its address and URL headers are removed at
 * the gateway (the client is not a trusted proxy), and the deadline a backend gets is the gateway's
 * own, the route's timeout at most, whatever the client sent. Against the real gateway and a
 * backend it routes through Consul ({@link EchoBackend}).
 */
class EdgeHeaderHygieneTests {

	private static final String DEADLINE = "X-Request-Timeout-Ms";

	private static final String FORGED = "forged-by-the-client";

	private static final String ECHO = "/api/" + EchoBackend.SERVICE + "/things";

	@RegisterExtension
	static final RoutedEchoBackend backend = new RoutedEchoBackend();

	@ParameterizedTest
	@ValueSource(strings = { "X-Real-IP", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP", "CF-Connecting-IP",
			"Fastly-Client-IP", "X-Original-URL", "X-Original-URI", "X-Rewrite-URL", "X-Forwarded-Host",
			"X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-For", "Forwarded" })
	void aHeaderTheClientSendsAboutItselfDoesNotReachTheBackend(String header) {
		Map<String, String> headers = new LinkedHashMap<>(Platform.PARTNER);
		headers.put(header, FORGED);

		assertThat(Platform.get(Platform.GATEWAY, ECHO, headers).statusCode()).isEqualTo(200);

		Headers received = onlyRequest();
		// Absent, or the gateway's own value (X-Forwarded-*), never the client's
		assertThat(received.getOrDefault(header, List.of())).as(header).noneMatch((value) -> value.contains(FORGED));
		assertThat(received.get("X-Caller-Id")).as("the consumer header").containsExactly("partner");
	}

	@ParameterizedTest
	@ValueSource(strings = { "999999999", "1", "0", "-1", "not-a-number" })
	void theBackendsDeadlineIsTheGatewaysOwnWhateverTheClientSent(String sent) {
		Map<String, String> headers = new LinkedHashMap<>(Platform.PARTNER);
		headers.put(DEADLINE, sent);

		assertThat(Platform.get(Platform.GATEWAY, ECHO, headers).statusCode()).isEqualTo(200);

		assertDeadlineWithinRouteTimeout(onlyRequest());
	}

	@Test
	void aRequestWithoutDeadlineGetsTheGatewaysToo() {
		assertThat(Platform.get(Platform.GATEWAY, ECHO, Platform.PARTNER).statusCode()).isEqualTo(200);

		Headers received = onlyRequest();
		assertDeadlineWithinRouteTimeout(received);
		assertThat(received.get("X-Caller-Id")).containsExactly("partner");
	}

	private static void assertDeadlineWithinRouteTimeout(Headers received) {
		assertThat(received.get(DEADLINE)).as("deadlines received").hasSize(1);
		long deadline = Long.parseLong(received.getFirst(DEADLINE));
		assertThat(deadline).isBetween(1L, discoveredRoutesTimeout().toMillis());
	}

	private static Headers onlyRequest() {
		List<Headers> requests = backend.requests();
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	/**
	 * The timeout of a discovered route such as the echo backend's: the gateway's HTTP client's, from
	 * its application.yml (discovered routes have no {@code response-timeout} of their own).
	 */
	@SuppressWarnings("unchecked")
	private static Duration discoveredRoutesTimeout() {
		try {
			Map<String, Object> yaml = new Yaml().load(
					Files.readString(Platform.ROOT.resolve("gateway-service/src/main/resources/application.yml")));
			Map<String, Object> gateway = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) yaml
				.get("spring")).get("cloud.gateway.server.webflux"));
			Object timeout = ((Map<String, Object>) gateway.get("httpclient")).get("response-timeout");
			return DurationStyle.detectAndParse(timeout.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
