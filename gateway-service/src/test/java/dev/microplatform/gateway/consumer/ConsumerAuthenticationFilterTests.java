package dev.microplatform.gateway.consumer;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.microplatform.starter.secret.SecretHash;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the backend gets from {@link ConsumerAuthenticationFilter}: never the credentials, always the
 * consumer header the gateway sets, and, for an anonymous request with nothing to remove, the request
 * as it came. (Refusals, JWTs and ACLs are tested end to end in {@code GatewayConsumerTests}.)
 */
class ConsumerAuthenticationFilterTests {

	private static final String KEY = "partner-key";

	private final ConsumerAuthenticationFilter filter = new ConsumerAuthenticationFilter(properties(),
			(token) -> Mono.error(new IllegalStateException("no JWT in these tests")));

	private final AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();

	private final GatewayFilterChain chain = (exchange) -> {
		this.forwarded.set(exchange);
		return Mono.empty();
	};

	private static GatewayConsumerProperties properties() {
		GatewayConsumerProperties properties = new GatewayConsumerProperties();
		properties.setAnonymousRoutes(Set.of("open"));
		GatewayConsumerProperties.Consumer partner = new GatewayConsumerProperties.Consumer();
		partner.setApiKeys(Set.of(ConsumerAuthenticationFilter.API_KEY_HASH_PREFIX + SecretHash.sha256Hex(KEY)));
		partner.setRoutes(Set.of("*"));
		properties.setConsumers(Map.of("partner", partner));
		return properties;
	}

	private static MockServerWebExchange exchangeOn(String routeId, MockServerHttpRequest.BaseBuilder<?> request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		Route route = Route.async().id(routeId).uri(URI.create("http://backend")).predicate((e) -> true).build();
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		return exchange;
	}

	@Test
	void anAnonymousRequestWithNothingToRemoveGoesOnAsItCame() {
		MockServerWebExchange exchange = exchangeOn("open", MockServerHttpRequest.get("/things").header("Accept", "*/*"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.forwarded.get()).isSameAs(exchange);
	}

	@Test
	void anAnonymousCallerCannotForgeTheConsumerHeader() {
		MockServerWebExchange exchange = exchangeOn("open",
				MockServerHttpRequest.get("/things").header("X-Caller-Id", "admin"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.forwarded.get().getRequest().getHeaders().containsHeader("X-Caller-Id")).isFalse();
	}

	@Test
	void aConsumerIsNamedByTheGatewayAndItsKeyIsNotForwarded() {
		MockServerWebExchange exchange = exchangeOn("private",
				MockServerHttpRequest.get("/things").header("X-API-Key", KEY).header("X-Caller-Id", "admin"));

		this.filter.filter(exchange, this.chain).block();

		HttpHeaders headers = this.forwarded.get().getRequest().getHeaders();
		assertThat(headers.get("X-Caller-Id")).containsExactly("partner");
		assertThat(headers.containsHeader("X-API-Key")).isFalse();
	}

	@Test
	void anAnonymousCallerOnARouteThatNeedsCredentialsIsRefused() {
		MockServerWebExchange exchange = exchangeOn("private", MockServerHttpRequest.get("/things"));

		this.filter.filter(exchange, this.chain).block();

		assertThat(this.forwarded.get()).isNull();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

}
