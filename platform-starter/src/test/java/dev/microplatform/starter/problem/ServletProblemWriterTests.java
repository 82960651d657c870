package dev.microplatform.starter.problem;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServletProblemWriter}.
 */
class ServletProblemWriterTests {

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/greetings");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@Test
	void writesTheProblemWithItsStatusTheRequestsPathAndRetryAfter() throws Exception {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, "Used up.");
		problem.setType(ProblemTypes.RATE_LIMITED);
		new ServletProblemWriter(ProblemSerializer.minimal()).write(this.request, this.response, problem, 7L);
		assertThat(this.response.getStatus()).isEqualTo(429);
		assertThat(this.response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(this.response.getHeader("Retry-After")).isEqualTo("7");
		assertThat(this.response.getContentAsString()).contains("\"type\":\"urn:problem-type:platform:rate-limited\"",
				"\"status\":429", "\"instance\":\"/greetings\"");
		assertThat(this.response.getContentLength()).isEqualTo(this.response.getContentAsByteArray().length);
	}

	@Test
	void aSerializerThatFailsGivesWayToTheMinimalOne() throws Exception {
		ProblemSerializer failing = (problem) -> {
			throw new IllegalStateException("no mapper");
		};
		new ServletProblemWriter(failing).write(this.request, this.response,
				ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE), null);
		assertThat(this.response.getStatus()).isEqualTo(503);
		assertThat(this.response.getHeader("Retry-After")).isNull();
		assertThat(this.response.getContentAsString()).contains("\"status\":503").doesNotContain("no mapper");
	}

	@Test
	void aCommittedResponseIsLeftAlone() throws Exception {
		this.response.setStatus(200);
		this.response.setCommitted(true);
		new ServletProblemWriter(ProblemSerializer.minimal()).write(this.request, this.response,
				ProblemDetail.forStatus(HttpStatus.SERVICE_UNAVAILABLE), 1L);
		assertThat(this.response.getStatus()).isEqualTo(200);
		assertThat(this.response.getContentAsString()).isEmpty();
	}

}
