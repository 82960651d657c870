package dev.microplatform.starter.inbound;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.microplatform.starter.client.DeadlinePropagatingInterceptor.DeadlineExceededException;
import dev.microplatform.starter.client.DeadlinePropagatingInterceptor;
import dev.microplatform.starter.problem.ProblemSerializer;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeadlinePropagatingInterceptor}, kept in the package of {@link RequestDeadline}
 * so that each test can set the deadline of the request being served exactly.
 */
class DeadlinePropagatingInterceptorTests {

	private final DeadlinePropagatingInterceptor interceptor = new DeadlinePropagatingInterceptor();

	private final List<HttpRequest> executed = new ArrayList<>();

	private final ClientHttpRequestExecution execution = (request, body) -> {
		this.executed.add(request);
		return new MockClientHttpResponse(new byte[0], HttpStatus.OK);
	};

	@AfterEach
	void clearDeadline() {
		RequestDeadline.clear();
	}

	@Test
	void withoutADeadlineTheCallIsMadeAsItIs() throws Exception {
		MockClientHttpRequest request = request();
		ClientHttpResponse response = this.interceptor.intercept(request, new byte[0], this.execution);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.executed).containsExactly(request);
		assertThat(request.getHeaders().containsHeader(RequestDeadline.HEADER)).isFalse();
	}

	@Test
	void theTimeLeftIsPassedOnInMilliseconds() throws Exception {
		RequestDeadline.set(System.nanoTime() + Duration.ofSeconds(2).toNanos());
		MockClientHttpRequest request = request();
		this.interceptor.intercept(request, new byte[0], this.execution);
		assertThat(this.executed).containsExactly(request);
		assertThat(Long.parseLong(request.getHeaders().getFirst(RequestDeadline.HEADER))).isPositive()
			.isLessThanOrEqualTo(2000);
	}

	@Test
	void theTimeLeftReplacesAValueTheCallerSet() throws Exception {
		RequestDeadline.set(System.nanoTime() + Duration.ofSeconds(2).toNanos());
		MockClientHttpRequest request = request();
		request.getHeaders().set(RequestDeadline.HEADER, "600000");
		this.interceptor.intercept(request, new byte[0], this.execution);
		assertThat(request.getHeaders().get(RequestDeadline.HEADER)).singleElement()
			.satisfies((value) -> assertThat(Long.parseLong(value)).isLessThanOrEqualTo(2000));
	}

	@Test
	void onceTheDeadlineHasPassedTheCallIsNotMade() {
		RequestDeadline.set(System.nanoTime() - 1);
		assertThatExceptionOfType(DeadlineExceededException.class)
			.isThrownBy(() -> this.interceptor.intercept(request(), new byte[0], this.execution))
			.withMessageContaining("greeter");
		assertThat(this.executed).isEmpty();
	}

	@Test
	void lessThanAMillisecondLeftCountsAsPassed() {
		// The callee would answer 504 to a deadline of 0 ms anyway
		RequestDeadline.set(System.nanoTime() + Duration.ofNanos(900_000).toNanos());
		assertThatExceptionOfType(DeadlineExceededException.class)
			.isThrownBy(() -> this.interceptor.intercept(request(), new byte[0], this.execution));
		assertThat(this.executed).isEmpty();
	}

	@Test
	void callsMadeWhileServingARequestPassOnItsDeadline() throws Exception {
		MockHttpServletRequest inbound = new MockHttpServletRequest("GET", "/greetings");
		inbound.addHeader(RequestDeadline.HEADER, "1500");
		MockClientHttpRequest outbound = request();
		new DeadlineFilter(ProblemSerializer.minimal()).doFilter(inbound, new MockHttpServletResponse(),
				(request, response) -> this.interceptor.intercept(outbound, new byte[0], this.execution));
		assertThat(Long.parseLong(outbound.getHeaders().getFirst(RequestDeadline.HEADER))).isPositive()
			.isLessThanOrEqualTo(1500);
		// Once the request has been served, calls carry no deadline
		MockClientHttpRequest later = request();
		this.interceptor.intercept(later, new byte[0], this.execution);
		assertThat(later.getHeaders().containsHeader(RequestDeadline.HEADER)).isFalse();
	}

	private static MockClientHttpRequest request() {
		return new MockClientHttpRequest(HttpMethod.GET, URI.create("http://greeter/greetings"));
	}

}
