package dev.microplatform.gateway.edge;

import io.netty.handler.codec.http.HttpResponseStatus;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;

/**
 * Why the gateway refuses a request at the connection, before any route sees it. Carried as the
 * request's decoder failure, so Reactor Netty answers it in its turn among pipelined requests and
 * closes the connection after; {@link RequestFramingGuard} writes the answer as a problem. A status
 * exception too, for a refusal that ends a body already being forwarded: the gateway's error handling
 * then takes it for the client's fault it is.
 */
final class RequestRefusedException extends ResponseStatusException {

	private static final long serialVersionUID = 1L;

	private final transient HttpResponseStatus status;

	RequestRefusedException(HttpResponseStatus status, String detail) {
		super(HttpStatusCode.valueOf(status.code()), detail);
		this.status = status;
	}

	HttpResponseStatus status() {
		return this.status;
	}

	/** The detail given to the client. */
	String detail() {
		return getReason();
	}

	@Override
	public synchronized Throwable fillInStackTrace() {
		// A refusal is an answer, not a fault
		return this;
	}

}
