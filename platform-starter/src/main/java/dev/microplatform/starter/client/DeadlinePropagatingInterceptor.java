package dev.microplatform.starter.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import dev.microplatform.starter.inbound.RequestDeadline;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Passes the deadline of the request being served on to the services it calls, as the time left
 * in {@value RequestDeadline#HEADER}; once nothing is left, the call is not made at all.
 */
public class DeadlinePropagatingInterceptor implements ClientHttpRequestInterceptor {

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Optional<Duration> remaining = RequestDeadline.remaining();
		if (remaining.isPresent()) {
			long millis = remaining.get().toMillis();
			if (millis <= 0) {
				throw new DeadlineExceededException(request);
			}
			request.getHeaders().set(RequestDeadline.HEADER, Long.toString(millis));
		}
		return execution.execute(request, body);
	}

	/**
	 * The call was not made: the request it would have served had run out of time.
	 */
	public static class DeadlineExceededException extends IllegalStateException {

		DeadlineExceededException(HttpRequest request) {
			super("Not calling " + request.getURI().getHost() + ": the deadline of the request being served has passed");
		}

	}

}
