package dev.microplatform.gateway.consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling, once the gateway has authenticated the request: a configured consumer, or nobody
 * (an anonymous call on a route that allows it).
 *
 * @param consumerId the consumer's id, or {@code null} for an anonymous call
 */
public record Caller(@Nullable String consumerId) {

	/** Exchange attribute holding the {@link Caller} of an authenticated request. */
	public static final String ATTRIBUTE = Caller.class.getName();

	static final Caller ANONYMOUS = new Caller(null);

	public boolean anonymous() {
		return this.consumerId == null;
	}

	/**
	 * Return the caller of an exchange the authentication filter has passed.
	 * @param exchange the exchange
	 * @return its caller, or {@code null} before authentication
	 */
	public static @Nullable Caller of(ServerWebExchange exchange) {
		return exchange.getAttribute(ATTRIBUTE);
	}

}
