package dev.microplatform.starter.loadbalancer;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.NoFallbackAvailableException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Puts each call of a load-balanced {@code RestClient} behind the circuit breaker (and bulkhead) of
 * its target service, the one HTTP service clients of the same target use. An I/O error or a 5xx
 * answer counts as a failure; the caller still gets the answer or the error as it was. While the
 * circuit is open, calls fail at once with Resilience4j's {@code CallNotPermittedException}.
 */
public class CircuitBreakingInterceptor implements ClientHttpRequestInterceptor {

	private final CircuitBreakerFactory<?, ?> circuitBreakers;

	public CircuitBreakingInterceptor(CircuitBreakerFactory<?, ?> circuitBreakers) {
		this.circuitBreakers = circuitBreakers;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String target = request.getURI().getHost();
		try {
			return this.circuitBreakers.create(target).run(() -> call(request, body, execution));
		}
		catch (NoFallbackAvailableException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof ServerErrorAnswer answer) {
				return answer.response;
			}
			if (cause instanceof UncheckedIOException io) {
				throw io.getCause();
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

	private static ClientHttpResponse call(HttpRequest request, byte[] body, ClientHttpRequestExecution execution) {
		try {
			ClientHttpResponse response = execution.execute(request, body);
			if (response.getStatusCode().is5xxServerError()) {
				throw new ServerErrorAnswer(response);
			}
			return response;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Carries a 5xx answer through the circuit breaker, which counts only exceptions as failures.
	 */
	static final class ServerErrorAnswer extends RuntimeException {

		private final transient ClientHttpResponse response;

		ServerErrorAnswer(ClientHttpResponse response) {
			super(null, null, false, false);
			this.response = response;
		}

	}

}
