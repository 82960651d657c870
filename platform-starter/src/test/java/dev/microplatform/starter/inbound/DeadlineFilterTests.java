package dev.microplatform.starter.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.microplatform.starter.problem.ProblemSerializer;

import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DeadlineFilterTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final DeadlineFilter filter = new DeadlineFilter(ProblemSerializer.minimal());

	private final List<Optional<Duration>> seenByTheChain = new ArrayList<>();

	private final FilterChain recordingChain = (request, response) -> this.seenByTheChain
		.add(RequestDeadline.remaining());

	@AfterEach
	void clearDeadline() {
		RequestDeadline.clear();
	}

	@Test
	void aRequestWithoutADeadlineIsServedWithoutOne() throws Exception {
		MockHttpServletResponse response = perform(null);
		assertThat(this.seenByTheChain).containsExactly(Optional.empty());
		assertThat(response.getStatus()).isEqualTo(200);
	}

	@Test
	void whileARequestIsServedItsDeadlineIsAvailable() throws Exception {
		MockHttpServletResponse response = perform("2500");
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(this.seenByTheChain).singleElement()
			.satisfies((remaining) -> assertThat(remaining).hasValueSatisfying(
					(left) -> assertThat(left).isPositive().isLessThanOrEqualTo(Duration.ofMillis(2500))));
		assertThat(RequestDeadline.remaining()).isEmpty();
	}

	@Test
	void surroundingWhitespaceIsIgnored() throws Exception {
		perform(" 2500 ");
		assertThat(this.seenByTheChain).singleElement()
			.satisfies((remaining) -> assertThat(remaining).hasValueSatisfying(
					(left) -> assertThat(left).isPositive().isLessThanOrEqualTo(Duration.ofMillis(2500))));
	}

	@Test
	void theDeadlineIsClearedWhenTheChainFails() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/greetings");
		request.addHeader(RequestDeadline.HEADER, "2500");
		FilterChain failing = (req, res) -> {
			this.seenByTheChain.add(RequestDeadline.remaining());
			throw new ServletException("boom");
		};
		assertThatExceptionOfType(ServletException.class)
			.isThrownBy(() -> this.filter.doFilter(request, new MockHttpServletResponse(), failing));
		assertThat(this.seenByTheChain).singleElement().satisfies((remaining) -> assertThat(remaining).isPresent());
		assertThat(RequestDeadline.remaining()).isEmpty();
	}

	@Test
	void eachRequestOnAThreadGetsItsOwnDeadline() throws Exception {
		perform("60000");
		perform(null);
		perform("100");
		assertThat(this.seenByTheChain).hasSize(3);
		assertThat(this.seenByTheChain.get(0)).hasValueSatisfying(
				(left) -> assertThat(left).isGreaterThan(Duration.ofMillis(100)));
		assertThat(this.seenByTheChain.get(1)).isEmpty();
		assertThat(this.seenByTheChain.get(2)).hasValueSatisfying(
				(left) -> assertThat(left).isLessThanOrEqualTo(Duration.ofMillis(100)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-1", "-250" })
	void aRequestWhoseCallerHasGivenUpIsAnswered504WithoutBeingWorkedOn(String header) throws Exception {
		MockHttpServletResponse response = perform(header);
		assertThat(this.seenByTheChain).isEmpty();
		assertThat(response.getStatus()).isEqualTo(504);
		assertThat(response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		JsonNode problem = this.jsonMapper.readTree(response.getContentAsByteArray());
		assertThat(problem.get("type").asString()).isEqualTo("urn:problem-type:platform:deadline-exceeded");
		assertThat(problem.get("type").asString()).isEqualTo(DeadlineFilter.DEADLINE_EXCEEDED.toString());
		assertThat(problem.get("title").asString()).isEqualTo("Deadline exceeded");
		assertThat(problem.get("status").asInt()).isEqualTo(504);
		assertThat(problem.get("instance").asString()).isEqualTo("/greetings");
		assertThat(RequestDeadline.remaining()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "soon", "1.5", "", "10ms", "99999999999999999999" })
	void aMalformedDeadlineIsAnswered400NamingTheHeader(String header) throws Exception {
		MockHttpServletResponse response = perform(header);
		assertThat(this.seenByTheChain).isEmpty();
		assertThat(response.getStatus()).isEqualTo(400);
		assertThat(response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		JsonNode problem = this.jsonMapper.readTree(response.getContentAsByteArray());
		assertThat(problem.get("type").asString()).isEqualTo(DeadlineFilter.INVALID_DEADLINE.toString());
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("detail").asString()).contains(RequestDeadline.HEADER);
		assertThat(RequestDeadline.remaining()).isEmpty();
	}

	@Test
	void aHugeDeadlineIsStillAFutureOne() throws Exception {
		perform(Long.toString(Long.MAX_VALUE));
		assertThat(this.seenByTheChain).singleElement()
			.satisfies((remaining) -> assertThat(remaining)
				.hasValueSatisfying((left) -> assertThat(left).isGreaterThan(Duration.ofDays(365))));
	}

	@Test
	void runsJustAfterTheInboundProtectionFilter() {
		assertThat(DeadlineFilter.ORDER).isEqualTo(InboundProtectionFilter.ORDER + 1);
	}

	private MockHttpServletResponse perform(String deadlineHeader) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/greetings");
		if (deadlineHeader != null) {
			request.addHeader(RequestDeadline.HEADER, deadlineHeader);
		}
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, this.recordingChain);
		return response;
	}

}
