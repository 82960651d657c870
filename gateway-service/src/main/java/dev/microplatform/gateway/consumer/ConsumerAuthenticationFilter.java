package dev.microplatform.gateway.consumer;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.microplatform.gateway.ProblemResponse;
import dev.microplatform.gateway.consumer.GatewayConsumerProperties.Consumer;
import dev.microplatform.starter.secret.SecretHash;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.server.ServerWebExchange;

/**
 * Authenticates the caller of every routed request (an API key, or a JWT bearer token whose subject
 * names a consumer), then checks the consumer's ACL for the route. Missing or bad credentials get
 * 401, a route the consumer may not call 403, both as problem details; the backend never sees such a
 * request. Credentials are removed before forwarding and the consumer's id is forwarded in a header
 * the gateway always overwrites, so a client cannot forge it.
 */
public class ConsumerAuthenticationFilter implements GlobalFilter, Ordered {

	/** Before every default filter (rate limiting keys on the caller) and before routing. */
	public static final int ORDER = 0;

	static final String API_KEY_HASH_PREFIX = "sha256:";

	private static final Log logger = LogFactory.getLog(ConsumerAuthenticationFilter.class);

	private static final String BEARER = "Bearer ";

	private static final String ALL_ROUTES = "*";

	private final GatewayConsumerProperties properties;

	private final ReactiveJwtDecoder jwtDecoder;

	public ConsumerAuthenticationFilter(GatewayConsumerProperties properties, ReactiveJwtDecoder jwtDecoder) {
		this.properties = properties;
		this.jwtDecoder = jwtDecoder;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String apiKey = headers.getFirst(this.properties.getApiKeyHeader());
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
		Mono<Authentication> authentication;
		if (apiKey != null) {
			authentication = Mono.just(byApiKey(apiKey));
		}
		else if (bearer) {
			authentication = byBearerToken(authorization.substring(BEARER.length()).trim());
		}
		else {
			authentication = Mono.just(Authentication.NONE);
		}
		return authentication.flatMap((result) -> {
			if (result.failure() != null) {
				return unauthorized(exchange, result.failure());
			}
			Set<String> routeNames = routeNames(exchange);
			Caller caller = result.caller();
			exchange.getAttributes().put(Caller.ATTRIBUTE, caller);
			if (caller.anonymous() && !matches(this.properties.getAnonymousRoutes(), routeNames)) {
				return unauthorized(exchange, "This route needs credentials: an API key in the "
						+ this.properties.getApiKeyHeader() + " header or a bearer token.");
			}
			if (!caller.anonymous() && !allowed(caller.consumerId(), routeNames)) {
				return ProblemResponse.write(exchange, HttpStatus.FORBIDDEN, "forbidden",
						"Consumer " + caller.consumerId() + " may not call this route.");
			}
			return chain.filter(forward(exchange, caller, bearer));
		});
	}

	private Authentication byApiKey(String apiKey) {
		String presented = API_KEY_HASH_PREFIX + SecretHash.sha256Hex(apiKey);
		for (Map.Entry<String, Consumer> consumer : this.properties.getConsumers().entrySet()) {
			for (String stored : consumer.getValue().getApiKeys()) {
				if (SecretHash.same(presented, stored)) {
					return Authentication.of(new Caller(consumer.getKey()));
				}
			}
		}
		return Authentication.failed("The API key is not valid.");
	}

	private Mono<Authentication> byBearerToken(String token) {
		return this.jwtDecoder.decode(token).map((jwt) -> {
			String subject = jwt.getSubject();
			if (subject == null || !this.properties.getConsumers().containsKey(subject)) {
				return Authentication.failed("The bearer token does not name a known consumer.");
			}
			return Authentication.of(new Caller(subject));
		}).onErrorResume(BadJwtException.class, (ex) -> {
			logger.debug("Bearer token refused: " + ex.getMessage());
			return Mono.just(Authentication.failed("The bearer token is not valid: wrongly signed, expired, malformed, or for another issuer or audience."));
		});
	}

	private boolean allowed(@Nullable String consumerId, Set<String> routeNames) {
		Consumer consumer = this.properties.getConsumers().get(consumerId);
		return consumer != null
				&& (consumer.getRoutes().contains(ALL_ROUTES) || matches(consumer.getRoutes(), routeNames));
	}

	private static boolean matches(Set<String> allowed, Set<String> routeNames) {
		for (String name : routeNames) {
			if (allowed.contains(name)) {
				return true;
			}
		}
		return false;
	}

	/** A route answers to its id and, when it goes to {@code lb://service}, to the service's id. */
	private static Set<String> routeNames(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		Set<String> names = new LinkedHashSet<>();
		if (route != null) {
			names.add(route.getId());
			URI uri = route.getUri();
			if ("lb".equals(uri.getScheme()) && uri.getHost() != null) {
				names.add(uri.getHost());
			}
		}
		return names;
	}

	/**
	 * The request as the backend gets it: without credentials, and with the consumer header the
	 * gateway sets. An anonymous request that carries none of these headers goes on as it came (a
	 * mutated exchange costs a copy of the headers and decorators on every request).
	 */
	private ServerWebExchange forward(ServerWebExchange exchange, Caller caller, boolean bearer) {
		String apiKeyHeader = this.properties.getApiKeyHeader();
		String consumerHeader = this.properties.getConsumerHeader();
		HttpHeaders received = exchange.getRequest().getHeaders();
		if (caller.anonymous() && !bearer && !received.containsHeader(apiKeyHeader)
				&& !received.containsHeader(consumerHeader)) {
			return exchange;
		}
		return exchange.mutate().request((request) -> request.headers((headers) -> {
			headers.remove(apiKeyHeader);
			if (bearer) {
				headers.remove(HttpHeaders.AUTHORIZATION);
			}
			headers.remove(consumerHeader);
			if (!caller.anonymous()) {
				headers.set(consumerHeader, caller.consumerId());
			}
		})).build();
	}

	private static Mono<Void> unauthorized(ServerWebExchange exchange, String detail) {
		ProblemDetail problem = ProblemResponse.of(HttpStatus.UNAUTHORIZED, "unauthorized", detail);
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"platform\"");
		return ProblemResponse.write(exchange, problem);
	}

	/** The outcome of checking a request's credentials: a caller, or why there is none. */
	private record Authentication(Caller caller, @Nullable String failure) {

		static final Authentication NONE = new Authentication(Caller.ANONYMOUS, null);

		static Authentication of(Caller caller) {
			return new Authentication(caller, null);
		}

		static Authentication failed(String why) {
			return new Authentication(Caller.ANONYMOUS, why);
		}

	}

}
