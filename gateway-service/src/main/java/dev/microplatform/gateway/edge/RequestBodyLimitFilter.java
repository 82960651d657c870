package dev.microplatform.gateway.edge;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Enforces the body limit on the bytes a chunked request actually sends, which no header announces:
 * the body is passed on up to the limit, and the buffer that would cross it ends the body with an
 * error instead, so the backend gets no more than the limit (and no end of the body: its request is
 * aborted, never taken as complete) and the client gets 413. A {@code Content-Length} over the
 * limit never gets here ({@link RequestFraming}); Netty reads no more than a declared length.
 */
final class RequestBodyLimitFilter implements WebFilter, Ordered {

	private final long maxBodySize;

	RequestBodyLimitFilter(long maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	@Override
	public int getOrder() {
		// After the access log and the path checks, before anything reads the body
		return Ordered.HIGHEST_PRECEDENCE + 2;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		if (!headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			return chain.filter(exchange);
		}
		ServerHttpRequest limited = new ServerHttpRequestDecorator(exchange.getRequest()) {

			@Override
			public Flux<DataBuffer> getBody() {
				return limit(super.getBody());
			}

		};
		return chain.filter(exchange.mutate().request(limited).build());
	}

	Flux<DataBuffer> limit(Flux<DataBuffer> body) {
		AtomicLong read = new AtomicLong();
		return body.handle((buffer, sink) -> {
			if (read.addAndGet(buffer.readableByteCount()) > this.maxBodySize) {
				DataBufferUtils.release(buffer);
				sink.error(new BodyTooLargeException(this.maxBodySize));
			}
			else {
				sink.next(buffer);
			}
		});
	}

	/** The status and text the gateway's error handler answers with. */
	static final class BodyTooLargeException extends ResponseStatusException {

		private static final long serialVersionUID = 1L;

		BodyTooLargeException(long maxBodySize) {
			super(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than the gateway accepts (" + maxBodySize
					+ " bytes).");
		}

	}

}
