package dev.microplatform.starter.problem;

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
 * Answers a servlet request that is turned away outside any controller (a filter, Spring
 * Security's entry point) with RFC 9457 problem details: never a stack trace, always
 * well-formed JSON, with the request's path as the problem's {@code instance}.
 */
public final class ServletProblemWriter {

	private static final Log logger = LogFactory.getLog(ServletProblemWriter.class);

	private final ProblemSerializer serializer;

	/**
	 * Create a writer.
	 * @param serializer how to write problems as JSON, such as with the application's JSON mapper
	 */
	public ServletProblemWriter(ProblemSerializer serializer) {
		this.serializer = serializer;
	}

	/**
	 * Write the problem as the response, unless the response is already committed.
	 * @param request the request
	 * @param response the response; its status becomes the problem's
	 * @param problem the problem
	 * @param retryAfterSeconds the {@code Retry-After} to send, or {@code null} for none
	 * @throws IOException if the response cannot be written
	 */
	public void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem,
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
