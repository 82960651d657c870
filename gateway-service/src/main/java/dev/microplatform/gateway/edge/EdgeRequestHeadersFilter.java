package dev.microplatform.gateway.edge;

import java.net.InetSocketAddress;
import java.time.Duration;

import dev.microplatform.gateway.consumer.ConsumerAuthenticationFilter;
import dev.microplatform.starter.inbound.RequestDeadline;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers a backend may trust: what a client says about its address, the URL it called
 * ({@link EdgeProperties#getUntrustedHeaders()}) is removed unless the client is a trusted
 * proxy, by the same rule the gateway applies to {@code X-Forwarded-*}; and the caller's deadline
 * ({@value RequestDeadline#HEADER}) is the gateway's own: the route's response timeout (route
 * metadata {@code response-timeout}, else the HTTP client's), which is how long the gateway waits
 * for the answer, or less if a trusted proxy said less. Services stop working on a request once
 * nobody waits for it (the starter's {@code DeadlineFilter}); a client cannot extend that.
 */
class EdgeRequestHeadersFilter implements GlobalFilter, Ordered {

	/** Before authentication and every other filter: nothing in the gateway sees the client's values. */
	static final int ORDER = ConsumerAuthenticationFilter.ORDER - 1;

	private final EdgeProperties properties;

	private final @Nullable TrustedProxies trustedProxies;

	private final HttpClientProperties httpClient;

	/**
	 * @param properties the headers to remove
	 * @param trustedProxies the gateway's {@code trusted-proxies} pattern, or {@code null} to trust no client
	 * @param httpClient the HTTP client's settings: its response timeout applies to routes without their own
	 */
	EdgeRequestHeadersFilter(EdgeProperties properties, @Nullable String trustedProxies,
			HttpClientProperties httpClient) {
		this.properties = properties;
		this.trustedProxies = (trustedProxies != null && !trustedProxies.isBlank())
				? TrustedProxies.from(trustedProxies) : null;
		this.httpClient = httpClient;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		boolean trusted = fromTrustedProxy(exchange);
		Duration timeout = responseTimeout(exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR));
		return chain.filter(exchange.mutate().request((request) -> request.headers((headers) -> {
			if (!trusted) {
				this.properties.getUntrustedHeaders().forEach(headers::remove);
			}
			if (timeout != null) {
				headers.set(RequestDeadline.HEADER, Long.toString(deadlineMillis(headers, timeout)));
			}
		})).build());
	}

	private boolean fromTrustedProxy(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		return this.trustedProxies != null && remote != null && this.trustedProxies.isTrusted(remote.getHostString());
	}

	/** The route's timeout, or less if a deadline kept from a trusted proxy says less. */
	private static long deadlineMillis(HttpHeaders headers, Duration timeout) {
		long millis = timeout.toMillis();
		String kept = headers.getFirst(RequestDeadline.HEADER);
		if (kept != null) {
			try {
				long received = Long.parseLong(kept.trim());
				if (received > 0 && received < millis) {
					return received;
				}
			}
			catch (NumberFormatException ex) {
				// Not a deadline: the route's applies
			}
		}
		return millis;
	}

	/**
	 * How long the gateway waits for the route's answer, as its routing filter decides it: the
	 * route's {@code response-timeout} metadata in milliseconds (negative: no timeout), else the
	 * HTTP client's.
	 */
	private @Nullable Duration responseTimeout(@Nullable Route route) {
		Object configured = (route != null) ? route.getMetadata().get(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR) : null;
		if (configured != null) {
			try {
				long millis = (configured instanceof Number number) ? number.longValue()
						: Long.parseLong(configured.toString().trim());
				return (millis >= 0) ? Duration.ofMillis(millis) : null;
			}
			catch (NumberFormatException ex) {
				// The routing filter ignores it too, and uses the HTTP client's
			}
		}
		return this.httpClient.getResponseTimeout();
	}

}
