package dev.microplatform.gateway;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;

/**
 * Errors that a client causes, as opposed to a backend: answered with a 4xx, and never counted
 * against a route's circuit breaker, so that no client can open a route for every other consumer by
 * sending requests that fail on purpose (a body over the limit, a body that never ends, a request
 * refused by a filter).
 */
public final class ClientFault {

	/** Reactor Netty's body timeout ({@code requestTimeout}); the class is package-private. */
	private static final String BODY_TIMEOUT = "reactor.netty.http.server.RequestTimeoutException";

	private ClientFault() {
	}

	/**
	 * Return the status a client's fault is answered with.
	 * @param ex an error on a request's way through the gateway
	 * @return a 4xx status, or {@code null} when the error is not the client's
	 */
	public static @Nullable HttpStatus statusOf(Throwable ex) {
		if (ex.getClass().getName().equals(BODY_TIMEOUT)) {
			return HttpStatus.REQUEST_TIMEOUT;
		}
		if (ex instanceof ErrorResponse response && response.getStatusCode().is4xxClientError()) {
			return HttpStatus.resolve(response.getStatusCode().value());
		}
		return null;
	}

	/**
	 * Tell whether an error is a backend's failure, which a route's circuit breaker counts.
	 * @param ex the error
	 * @return {@code false} for a client's fault
	 */
	public static boolean isBackendFailure(Throwable ex) {
		return statusOf(ex) == null;
	}

}
