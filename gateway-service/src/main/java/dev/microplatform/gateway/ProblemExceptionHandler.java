package dev.microplatform.gateway;

import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.retry.RetryExhaustedException;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Every error the gateway answers itself (no route, no instance, circuit open, route timeout, rate
 * limit) as RFC 9457 problem details with a stable type, instead of Boot's error JSON. The texts are
 * the gateway's own: no exception message, host name or stack trace reaches an API consumer.
 */
@Component
class ProblemExceptionHandler implements ErrorWebExceptionHandler, Ordered {

	private static final Log logger = LogFactory.getLog(ProblemExceptionHandler.class);

	@Override
	public int getOrder() {
		// Where Boot's DefaultErrorWebExceptionHandler (which this replaces) would be: before
		// WebFlux's own status handler (0)
		return -1;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(error);
		}
		Throwable ex = lastAttemptsError(error);
		HttpStatus status = statusOf(ex);
		if (ex instanceof HttpStatusCodeException && status.is5xxServerError()) {
			// A backend's own error, counted by a circuit breaker on its way out
			return ProblemResponse.write(exchange, status, "upstream-error",
					"The service failed to handle this request.");
		}
		if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
			logger.error("Request " + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath()
					+ " failed in the gateway", ex);
		}
		if (status == HttpStatus.CONTENT_TOO_LARGE || status == HttpStatus.REQUEST_TIMEOUT) {
			// The rest of the body is not read: the connection cannot carry another request
			exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		}
		return ProblemResponse.write(exchange, ProblemResponse.of(status, detailOf(status)));
	}

	/**
	 * What the last attempt failed with, when the {@code Retry} filter gave up: its retries (Reactor
	 * Extra's) end in an exception of their own, whose cause is the answer's reason.
	 */
	private static Throwable lastAttemptsError(Throwable ex) {
		Throwable error = ex;
		while ((error instanceof RetryExhaustedException || Exceptions.isRetryExhausted(error)) && error.getCause() != null) {
			error = error.getCause();
		}
		return error;
	}

	private static HttpStatus statusOf(Throwable ex) {
		HttpStatus clientFault = ClientFault.statusOf(ex);
		if (clientFault != null) {
			return clientFault;
		}
		HttpStatusCode code = null;
		if (ex instanceof ErrorResponse response) {
			code = response.getStatusCode();
		}
		else if (ex instanceof HttpStatusCodeException response) {
			code = response.getStatusCode();
		}
		else if (ex instanceof TimeoutException) {
			code = HttpStatus.GATEWAY_TIMEOUT;
		}
		else if (ex instanceof BulkheadFullException) {
			// The route's circuit breaker admits no more concurrent calls
			code = HttpStatus.SERVICE_UNAVAILABLE;
		}
		else {
			ResponseStatus annotated = AnnotatedElementUtils.findMergedAnnotation(ex.getClass(), ResponseStatus.class);
			code = (annotated != null) ? annotated.code() : null;
		}
		HttpStatus status = (code != null) ? HttpStatus.resolve(code.value()) : null;
		return (status != null) ? status : HttpStatus.INTERNAL_SERVER_ERROR;
	}

	/** The consumer-facing text of an error status. */
	private static String detailOf(HttpStatus status) {
		return switch (status) {
			case TOO_MANY_REQUESTS ->
				"The rate limit for this caller is used up; retry after the number of seconds in Retry-After.";
			case SERVICE_UNAVAILABLE ->
				"No instance of the service can take this request now (none is healthy, or its circuit breaker is open).";
			case GATEWAY_TIMEOUT -> "The service did not answer within the route's timeout.";
			case NOT_FOUND -> "No route matches this path.";
			case CONTENT_TOO_LARGE -> "The request body is larger than the gateway accepts.";
			case REQUEST_TIMEOUT -> "The request was not received within the gateway's time limit.";
			default -> status.is4xxClientError() ? "The request is not valid: " + status.getReasonPhrase() + "."
					: "The gateway failed to handle this request.";
		};
	}

}
