package dev.microplatform.e2e;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browsers on the origins {@code config-repo/gateway-service.yml} lists may call the API through the
 * gateway and read the headers it exposes; other origins get no permission (the JDK client sends
 * {@code Origin} as a browser would: it is not a restricted header here).
 */
class CorsTests {

	private static final String ALLOWED = "http://localhost:3000";

	private static final String GREETINGS = "/api/greeter/greetings?name=Cors";

	@Test
	void aPreflightFromAListedOriginIsAllowedWithTheConfiguredMethodsHeadersAndMaxAge() {
		HttpResponse<String> preflight = preflight(ALLOWED, "GET", "X-API-Key");
		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
				(methods) -> assertThat(methods).contains("GET"));
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
				(headers) -> assertThat(headers).containsIgnoringCase("X-API-Key"));
		assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("3600");
	}

	@Test
	void aCallFromAListedOriginMayReadTheTraceIdAndRateLimitHeaders() {
		HttpResponse<String> response = Platform.send(HttpRequest.newBuilder(Platform.GATEWAY.resolve(GREETINGS))
			.header("Origin", ALLOWED)
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
		assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
				(exposed) -> assertThat(exposed).contains("X-Trace-Id", "Retry-After", "X-RateLimit-Remaining"));
	}

	@Test
	void anOriginNotListedGetsNoPermission() {
		HttpResponse<String> preflight = preflight("http://evil.example", "GET", "X-API-Key");
		assertThat(preflight.statusCode()).isEqualTo(403);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(preflight.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(preflight.body()).contains("\"type\":\"urn:problem-type:platform:forbidden\"");
		HttpResponse<String> call = Platform.send(HttpRequest.newBuilder(Platform.GATEWAY.resolve(GREETINGS))
			.header("Origin", "http://evil.example")
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build());
		assertThat(call.statusCode()).isEqualTo(403);
		assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(call.body()).contains("\"status\":403");
	}

	@Test
	void aMethodOrHeaderNotListedIsNotAllowed() {
		assertThat(preflight(ALLOWED, "TRACE", "X-API-Key").statusCode()).isEqualTo(403);
		assertThat(preflight(ALLOWED, "GET", "X-Not-Listed").statusCode()).isEqualTo(403);
	}

	private static HttpResponse<String> preflight(String origin, String method, String header) {
		return Platform.send(HttpRequest.newBuilder(Platform.GATEWAY.resolve(GREETINGS))
			.header("Origin", origin)
			.header("Access-Control-Request-Method", method)
			.header("Access-Control-Request-Headers", header)
			.timeout(Duration.ofSeconds(10))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.build());
	}

}
