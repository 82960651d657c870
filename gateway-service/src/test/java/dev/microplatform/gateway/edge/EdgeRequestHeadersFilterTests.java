package dev.microplatform.gateway.edge;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.microplatform.starter.inbound.RequestDeadline;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link EdgeRequestHeadersFilter} forwards: a client's address and URL headers only from a
 * trusted proxy, and always the gateway's own deadline, the route's timeout at most.
 */
class EdgeRequestHeadersFilterTests {

	private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40000);

	private static final InetSocketAddress PROXY = new InetSocketAddress("10.1.2.3", 40000);

	private final EdgeProperties properties = new EdgeProperties();

	private final HttpClientProperties httpClient = new HttpClientProperties();

	private final AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();

	private final GatewayFilterChain chain = (exchange) -> {
		this.forwarded.set(exchange);
		return Mono.empty();
	};

	EdgeRequestHeadersFilterTests() {
		this.httpClient.setResponseTimeout(Duration.ofSeconds(5));
	}

	@Test
	void everyListedHeaderOfAnUntrustedClientIsRemovedAndTheRestKept() {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/things").remoteAddress(CLIENT)
			.header("Accept", "application/json")
			.header("X-Caller-Id", "set-later-by-the-gateway");
		this.properties.getUntrustedHeaders().forEach((name) -> request.header(name.toLowerCase(Locale.ROOT), "forged"));

		HttpHeaders headers = forward(filter("^10\\..*"), route(3000), request);

		for (String name : this.properties.getUntrustedHeaders()) {
			if (!name.equals(RequestDeadline.HEADER)) {
				assertThat(headers.containsHeader(name)).as(name).isFalse();
			}
		}
		assertThat(headers.getFirst(RequestDeadline.HEADER)).isEqualTo("3000");
		assertThat(headers.getFirst("Accept")).isEqualTo("application/json");
		assertThat(headers.getFirst("X-Caller-Id")).isEqualTo("set-later-by-the-gateway");
	}

	@Test
	void aTrustedProxysHeadersAreKept() {
		HttpHeaders headers = forward(filter("^10\\..*"), route(3000), MockServerHttpRequest.get("/things")
			.remoteAddress(PROXY)
			.header("X-Real-IP", "198.51.100.1")
			.header("X-Original-URL", "/original"));

		assertThat(headers.getFirst("X-Real-IP")).isEqualTo("198.51.100.1");
		assertThat(headers.getFirst("X-Original-URL")).isEqualTo("/original");
	}

	@Test
	void noClientIsTrustedWithoutATrustedProxiesPattern() {
		HttpHeaders headers = forward(filter(null), route(3000),
				MockServerHttpRequest.get("/things").remoteAddress(PROXY).header("X-Real-IP", "198.51.100.1"));

		assertThat(headers.containsHeader("X-Real-IP")).isFalse();
	}

	@Test
	void anUntrustedClientCannotExtendOrShortenTheDeadline() {
		EdgeRequestHeadersFilter filter = filter("^10\\..*");
		for (String sent : new String[] { "999999999", "1", "-5", "soon" }) {
			HttpHeaders headers = forward(filter, route(3000),
					MockServerHttpRequest.get("/things").remoteAddress(CLIENT).header(RequestDeadline.HEADER, sent));
			assertThat(headers.get(RequestDeadline.HEADER)).as(sent).containsExactly("3000");
		}
	}

	@Test
	void aTrustedProxysShorterDeadlineIsKeptButNeverALongerOne() {
		EdgeRequestHeadersFilter filter = filter("^10\\..*");
		Map<String, String> expected = Map.of("1200", "1200", "999999999", "3000", "0", "3000", "soon", "3000");
		expected.forEach((sent, deadline) -> {
			HttpHeaders headers = forward(filter, route(3000),
					MockServerHttpRequest.get("/things").remoteAddress(PROXY).header(RequestDeadline.HEADER, sent));
			assertThat(headers.get(RequestDeadline.HEADER)).as(sent).containsExactly(deadline);
		});
	}

	@Test
	void aRouteWithoutItsOwnTimeoutGetsTheHttpClientsAsDeadline() {
		HttpHeaders headers = forward(filter(null), route(null), MockServerHttpRequest.get("/things").remoteAddress(CLIENT));

		assertThat(headers.getFirst(RequestDeadline.HEADER)).isEqualTo("5000");
	}

	@Test
	void aTimeoutInRouteMetadataMayBeText() {
		HttpHeaders headers = forward(filter(null), route("1500"), MockServerHttpRequest.get("/things").remoteAddress(CLIENT));

		assertThat(headers.getFirst(RequestDeadline.HEADER)).isEqualTo("1500");
	}

	@Test
	void aRouteWithoutAnyTimeoutSetsNoDeadlineAndStillDropsTheClients() {
		HttpHeaders headers = forward(filter(null), route(-1),
				MockServerHttpRequest.get("/things").remoteAddress(CLIENT).header(RequestDeadline.HEADER, "999999"));

		assertThat(headers.containsHeader(RequestDeadline.HEADER)).isFalse();
	}

	@Test
	void theListIsConfigurable() {
		this.properties.getUntrustedHeaders().add("X-Tenant");
		this.properties.getUntrustedHeaders().remove("X-Real-IP");

		HttpHeaders headers = forward(filter(null), route(3000), MockServerHttpRequest.get("/things")
			.remoteAddress(CLIENT)
			.header("X-Tenant", "someone-else")
			.header("X-Real-IP", "198.51.100.1"));

		assertThat(headers.containsHeader("X-Tenant")).isFalse();
		assertThat(headers.getFirst("X-Real-IP")).isEqualTo("198.51.100.1");
	}

	private EdgeRequestHeadersFilter filter(String trustedProxies) {
		return new EdgeRequestHeadersFilter(this.properties, trustedProxies, this.httpClient);
	}

	private static Route route(Object responseTimeout) {
		Route.AsyncBuilder route = Route.async().id("things").uri(URI.create("http://backend")).predicate((e) -> true);
		if (responseTimeout != null) {
			route.metadata("response-timeout", responseTimeout);
		}
		return route.build();
	}

	private HttpHeaders forward(EdgeRequestHeadersFilter filter, Route route, MockServerHttpRequest.BaseBuilder<?> request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		filter.filter(exchange, this.chain).block();
		return this.forwarded.get().getRequest().getHeaders();
	}

}
