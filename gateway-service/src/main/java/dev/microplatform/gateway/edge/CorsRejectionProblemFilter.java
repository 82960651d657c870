package dev.microplatform.gateway.edge;

import dev.microplatform.gateway.ProblemResponse;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives a request that the gateway's CORS policy refuses a problem as its body, like every other
 * refusal of the gateway: WebFlux's CORS processing answers 403 with no body at all.
 */
final class CorsRejectionProblemFilter implements WebFilter, Ordered {

	@Override
	public int getOrder() {
		// Inside the access log, around everything that may refuse a cross-origin request
		return Ordered.HIGHEST_PRECEDENCE + 3;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!CorsUtils.isCorsRequest(exchange.getRequest())) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange).then(Mono.defer(() -> {
			ServerHttpResponse response = exchange.getResponse();
			// Refused by the CORS processor: status set, nothing written (every other 403 has a body)
			if (!response.isCommitted() && HttpStatus.FORBIDDEN.equals(response.getStatusCode())) {
				return ProblemResponse.write(exchange, ProblemResponse.of(HttpStatus.FORBIDDEN,
						"The request's origin, method or headers are not allowed by the API's CORS policy."));
			}
			return Mono.empty();
		}));
	}

}
