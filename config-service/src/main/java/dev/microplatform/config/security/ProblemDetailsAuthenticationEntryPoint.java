package dev.microplatform.config.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.problem.ProblemTypes;
import dev.microplatform.starter.problem.ServletProblemWriter;

/**
 * Missing or wrong credentials (401, with the Basic challenge) and an account without the right
 * role (403), answered as RFC 9457 problem details like every other error of the platform.
 */
final class ProblemDetailsAuthenticationEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {

	private static final ServletProblemWriter PROBLEMS = new ServletProblemWriter(ProblemSerializer.minimal());

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"config-service\"");
		write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated",
				"config-service needs the credentials of one of its accounts (HTTP Basic).");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
			throws IOException {
		write(request, response, HttpStatus.FORBIDDEN, "forbidden", "This account may not use " + request.getRequestURI() + ".");
	}

	private static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
			String detail) throws IOException {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(ProblemTypes.of(type));
		PROBLEMS.write(request, response, problem, null);
	}

}
