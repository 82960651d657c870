package dev.microplatform.starter.inbound;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Answers a request the service turns away, before it reaches any controller, with RFC 9457
 * problem details: never a stack trace, always well-formed JSON.
 */
class ProblemResponder {

	private static final Log logger = LogFactory.getLog(ProblemResponder.class);

	private final ProblemSerializer serializer;

	ProblemResponder(ProblemSerializer serializer) {
		this.serializer = serializer;
	}

	/**
	 * Write the problem as the response.
	 * @param retryAfterSeconds the {@code Retry-After} to send, or {@code null} for none
	 */
	void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem,
			@Nullable Long retryAfterSeconds) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		problem.setInstance(instance(request));
		byte[] body = serialize(problem);
		response.setStatus(problem.getStatus());
		if (retryAfterSeconds != null) {
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
		}
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
		response.flushBuffer();
	}

	private static @Nullable URI instance(HttpServletRequest request) {
		try {
			return URI.create(request.getRequestURI());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private byte[] serialize(ProblemDetail problem) {
		try {
			return this.serializer.serialize(problem);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not serialize " + problem + ", writing a minimal body", ex);
			return ProblemSerializer.minimal().serialize(problem);
		}
	}

}
