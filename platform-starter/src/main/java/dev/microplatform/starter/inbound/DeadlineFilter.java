package dev.microplatform.starter.inbound;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.problem.ProblemTypes;
import dev.microplatform.starter.problem.ServletProblemWriter;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Honours the caller's deadline ({@value RequestDeadline#HEADER}): a request whose caller has
 * already given up is answered 504 at once instead of being worked on, and while a request is
 * served its deadline is {@link RequestDeadline#remaining() available} to outbound calls.
 */
public class DeadlineFilter extends OncePerRequestFilter {

	/** Problem type of a request that arrived after its caller's deadline. */
	public static final URI DEADLINE_EXCEEDED = ProblemTypes.DEADLINE_EXCEEDED;

	/** Problem type of a malformed deadline header. */
	public static final URI INVALID_DEADLINE = ProblemTypes.INVALID_REQUEST;

	/** Right after the inbound protection filter: a rejected request costs nothing more. */
	public static final int ORDER = InboundProtectionFilter.ORDER + 1;

	private final ServletProblemWriter problems;

	public DeadlineFilter(ProblemSerializer serializer) {
		this.problems = new ServletProblemWriter(serializer);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(RequestDeadline.HEADER);
		if (header == null) {
			chain.doFilter(request, response);
			return;
		}
		long remainingMillis;
		try {
			remainingMillis = Long.parseLong(header.trim());
		}
		catch (NumberFormatException ex) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"'" + RequestDeadline.HEADER + "' must be a whole number of milliseconds.");
			problem.setType(INVALID_DEADLINE);
			problem.setTitle("Invalid request");
			this.problems.write(request, response, problem, null);
			return;
		}
		if (remainingMillis <= 0) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.GATEWAY_TIMEOUT,
					"The caller's deadline had passed when the request arrived; it was not worked on.");
			problem.setType(DEADLINE_EXCEEDED);
			problem.setTitle("Deadline exceeded");
			this.problems.write(request, response, problem, null);
			return;
		}
		RequestDeadline.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(remainingMillis));
		try {
			chain.doFilter(request, response);
		}
		finally {
			RequestDeadline.clear();
		}
	}

}
