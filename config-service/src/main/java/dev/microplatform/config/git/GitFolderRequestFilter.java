package dev.microplatform.config.git;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.problem.ProblemTypes;

/**
 * Answers 404 to any request whose path reaches into a {@code .git} folder ({@link GitFolderPath}),
 * before authentication and before any endpoint: Config Server's plain-file endpoints
 * ({@code /{name}/{profile}/{label}/**}) would otherwise serve the served clone's {@code .git/config},
 * {@code HEAD}, logs and objects like any other file. The file lookup refuses such paths too
 * ({@link GitFolderRefusingResourceRepository}): this filter is the first guard, not the only one.
 */
class GitFolderRequestFilter extends OncePerRequestFilter {

	/** Problem type of a refused request, the platform's "nothing here". */
	static final URI NOT_FOUND = ProblemTypes.NOT_FOUND;

	private static final Log logger = LogFactory.getLog(GitFolderRequestFilter.class);

	private static final ProblemSerializer JSON = ProblemSerializer.minimal();

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String servedPath = request.getServletPath() + ((request.getPathInfo() != null) ? request.getPathInfo() : "");
		if (!GitFolderPath.reaches(request.getRequestURI()) && !GitFolderPath.reaches(servedPath)) {
			chain.doFilter(request, response);
			return;
		}
		logger.info("Refused a request for a path in a .git folder");
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No such file.");
		problem.setType(NOT_FOUND);
		problem.setTitle("Not Found");
		// Not ServletProblemWriter: its instance would echo the path, and so the names inside .git
		byte[] body = JSON.serialize(problem);
		response.setStatus(HttpStatus.NOT_FOUND.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
