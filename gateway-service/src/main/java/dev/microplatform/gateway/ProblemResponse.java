package dev.microplatform.gateway;

import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.problem.ProblemTypes;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Answers a request the gateway refuses itself with RFC 9457 problem details, so an API consumer
 * sees one error format whichever part of the gateway said no.
 */
public final class ProblemResponse {

	private static final ProblemSerializer SERIALIZER = ProblemSerializer.minimal();

	private ProblemResponse() {
	}

	/**
	 * Build the problem for a status, a stable type name (the last part of its URN) and a detail.
	 * @param status the status
	 * @param type the problem type, e.g. {@code unauthorized}
	 * @param detail what went wrong, for the API consumer (never secrets)
	 * @return the problem
	 */
	public static ProblemDetail of(HttpStatus status, String type, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(ProblemTypes.of(type));
		return problem;
	}

	/**
	 * Build the problem for a status, its type being the one the gateway gives that status.
	 * @param status the status
	 * @param detail what went wrong, for the API consumer (never secrets)
	 * @return the problem
	 */
	public static ProblemDetail of(HttpStatus status, String detail) {
		return of(status, typeOf(status), detail);
	}

	/**
	 * The stable problem type (the last part of its URN) the gateway gives an error status.
	 * @param status the status
	 * @return the type, e.g. {@code rate-limited}
	 */
	public static String typeOf(HttpStatus status) {
		return switch (status) {
			case TOO_MANY_REQUESTS -> "rate-limited";
			case SERVICE_UNAVAILABLE -> "service-unavailable";
			case GATEWAY_TIMEOUT -> "gateway-timeout";
			case NOT_FOUND -> "not-found";
			case CONTENT_TOO_LARGE -> "payload-too-large";
			case REQUEST_TIMEOUT -> "request-timeout";
			case NOT_IMPLEMENTED -> "not-implemented";
			case UNAUTHORIZED -> "unauthorized";
			case FORBIDDEN -> "forbidden";
			default -> status.is4xxClientError() ? "invalid-request" : "internal-error";
		};
	}

	/**
	 * Complete the exchange with the problem as its body, unless the response is already committed.
	 * @param exchange the exchange
	 * @param problem the problem; its status becomes the response's
	 * @return completion
	 */
	public static Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] json = json(problem);
		response.getHeaders().setContentLength(json.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(json)));
	}

	/**
	 * Serialize a problem as its {@code application/problem+json} body, for the parts of the gateway
	 * that answer below WebFlux (the connection's own checks).
	 * @param problem the problem
	 * @return the JSON, in UTF-8
	 */
	public static byte[] json(ProblemDetail problem) {
		return SERIALIZER.serialize(problem);
	}

	/**
	 * Complete the exchange with a problem built from its parts.
	 * @param exchange the exchange
	 * @param status the status
	 * @param type the problem type
	 * @param detail the detail
	 * @return completion
	 */
	public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String detail) {
		return write(exchange, of(status, type, detail));
	}

}
