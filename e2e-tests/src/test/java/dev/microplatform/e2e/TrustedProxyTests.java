package dev.microplatform.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The other side of the gateway's header rules: a client that matches
 * {@code spring.cloud.gateway.server.webflux.trusted-proxies} (the load balancer in front of the
 * gateway) is believed. A gateway of its own that trusts loopback (not in Consul, beside the
 * platform's, which trusts no client) forwards what such a proxy says about the client and keeps
 * its shorter deadline; the platform's gateway drops the same headers.
 */
class TrustedProxyTests {

	private static final String CLIENT_ADDRESS = "203.0.113.7";

	private static final String ECHO = "/api/" + EchoBackend.SERVICE + "/things";

	@RegisterExtension
	static final RoutedEchoBackend backend = new RoutedEchoBackend();

	@RegisterExtension
	static final UnlistedInstance trustingGateway = UnlistedInstance.withManagementPort("gateway-service",
			"--spring.cloud.gateway.server.webflux.trusted-proxies=127\\.0\\.0\\.1");

	private static URI trusting;

	@BeforeAll
	static void awaitItRoutesToTheEchoBackend() {
		trusting = trustingGateway.base();
		await("a gateway trusting loopback routing to the echo backend").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(500))
			.ignoreExceptions()
			.until(() -> Platform.get(trusting, ECHO, Platform.PARTNER).statusCode() == 200);
	}

	@Test
	void aTrustedProxysWordAboutTheClientAndItsShorterDeadlineReachTheBackend() {
		backend.forget();
		assertThat(Platform.get(trusting, ECHO, proxied()).statusCode()).isEqualTo(200);
		Headers received = onlyRequest();
		assertThat(received.getFirst("X-Real-IP")).isEqualTo(CLIENT_ADDRESS);
		// (X-Forwarded-For keeps, of what came in, only trusted proxies' addresses: Spring Cloud
		// Gateway's own rule, which the gateway does not change)
		assertThat(received.getFirst("X-Forwarded-For")).isEqualTo("127.0.0.1");
		assertThat(Long.parseLong(received.getFirst("X-Request-Timeout-Ms"))).isBetween(1L, 700L);
	}

	@Test
	void theSameHeadersFromAClientNotTrustedAreDropped() {
		backend.forget();
		assertThat(Platform.get(Platform.GATEWAY, ECHO, proxied()).statusCode()).isEqualTo(200);
		Headers received = onlyRequest();
		assertThat(received.containsKey("X-Real-IP")).as("X-Real-IP reached the backend").isFalse();
		assertThat(received.getFirst("X-Forwarded-For")).doesNotContain(CLIENT_ADDRESS);
		assertThat(Long.parseLong(received.getFirst("X-Request-Timeout-Ms"))).isGreaterThan(700L);
	}

	/** What a load balancer in front of the gateway would add to a client's request. */
	private static Map<String, String> proxied() {
		Map<String, String> headers = new LinkedHashMap<>(Platform.PARTNER);
		headers.put("X-Real-IP", CLIENT_ADDRESS);
		headers.put("X-Forwarded-For", CLIENT_ADDRESS);
		headers.put("X-Request-Timeout-Ms", "700");
		return headers;
	}

	private static Headers onlyRequest() {
		List<Headers> requests = backend.requests();
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

}
