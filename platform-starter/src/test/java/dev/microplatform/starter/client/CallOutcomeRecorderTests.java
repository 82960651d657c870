package dev.microplatform.starter.client;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.CompletionContext.Status;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

class CallOutcomeRecorderTests {

	private static final ServiceInstance FIRST = new DefaultServiceInstance("greeter-1", "greeter", "10.0.0.1", 8080,
			false);

	private static final ServiceInstance SECOND = new DefaultServiceInstance("greeter-2", "greeter", "10.0.0.2", 8080,
			false);

	// An arbitrary start, as System.nanoTime() has no meaningful origin
	private final AtomicLong nanos = new AtomicLong(424_242_424L);

	private final ServiceTargets targets = new ServiceTargets(
			new MockEnvironment().withProperty("platform.client.defaults.outlier.consecutive-failures", "3"),
			this.nanos::get, (target) -> {
			});

	private final CallOutcomeRecorder recorder = new CallOutcomeRecorder(this.targets, this.nanos::get);

	private final ServiceTarget greeter = this.targets.get("greeter");

	@Test
	void theLatencyOfAnAttemptFeedsTheInstancesPeakEwma() {
		Request<Object> request = new DefaultRequest<>();
		start(request, FIRST);
		// In flight with no answer yet: the chooser keeps away from it
		assertThat(this.greeter.latency().load("greeter-1")).isGreaterThan(1e14);
		this.nanos.addAndGet(Duration.ofMillis(250).toNanos());
		complete(request, FIRST, Status.SUCCESS, responseData(HttpStatus.OK));
		assertThat(this.greeter.latency().load("greeter-1")).isEqualTo(Duration.ofMillis(250).toNanos());
		assertThat(this.greeter.latency().load("greeter-2")).isZero();
	}

	@Test
	void anAttemptWhoseConnectionFailedLeavesTheLatencyAsItWasButCountsAsAFailure() {
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.OK));
		double answered = this.greeter.latency().load("greeter-1");
		for (String failure : new String[] { "Connection reset", "Connection refused" }) {
			Request<Object> request = new DefaultRequest<>();
			start(request, FIRST);
			// A dying instance resets what it held once its process is gone, however long that took
			this.nanos.addAndGet(Duration.ofMillis(500).toNanos());
			failWith(request, FIRST, new ResourceAccessException("I/O error", new SocketException(failure)));
		}
		assertThat(this.greeter.latency().load("greeter-1")).isPositive().isLessThanOrEqualTo(answered);
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
		failWith(new DefaultRequest<>(), FIRST, new IOException("Connection refused"));
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isTrue();
	}

	@Test
	void anAttemptThatTimedOutIsTheInstancesLatency() {
		Request<Object> request = new DefaultRequest<>();
		start(request, FIRST);
		this.nanos.addAndGet(Duration.ofMillis(300).toNanos());
		failWith(request, FIRST, new ResourceAccessException("I/O error", new SocketTimeoutException("Read timed out")));
		assertThat(this.greeter.latency().load("greeter-1")).isEqualTo(Duration.ofMillis(300).toNanos());
		assertThat(CallOutcomeRecorder.connectionFailed(new CompletionContext<>(Status.FAILED,
				new IllegalStateException(new TimeoutException()), request, new DefaultResponse(FIRST)))).isFalse();
		assertThat(CallOutcomeRecorder.connectionFailed(new CompletionContext<>(Status.FAILED,
				new IllegalStateException("not I/O"), request, new DefaultResponse(FIRST)))).isFalse();
	}

	@Test
	void theSlowerInstanceIsTheMoreLoaded() {
		Request<Object> slow = new DefaultRequest<>();
		Request<Object> fast = new DefaultRequest<>();
		start(slow, FIRST);
		start(fast, SECOND);
		this.nanos.addAndGet(Duration.ofMillis(10).toNanos());
		complete(fast, SECOND, Status.SUCCESS, responseData(HttpStatus.OK));
		this.nanos.addAndGet(Duration.ofMillis(290).toNanos());
		complete(slow, FIRST, Status.SUCCESS, responseData(HttpStatus.OK));
		assertThat(this.greeter.latency().load("greeter-1")).isGreaterThan(this.greeter.latency().load("greeter-2"))
			.isGreaterThan(0);
	}

	@Test
	void attemptsAreToldApartByTheirRequestObjectEvenWhenTheRequestsAreEqual() {
		Request<Object> first = new DefaultRequest<>();
		Request<Object> second = new DefaultRequest<>();
		assertThat(first).isEqualTo(second);
		start(first, FIRST);
		this.nanos.addAndGet(Duration.ofMillis(100).toNanos());
		start(second, FIRST);
		this.nanos.addAndGet(Duration.ofMillis(50).toNanos());
		complete(first, FIRST, Status.SUCCESS, responseData(HttpStatus.OK));
		complete(second, FIRST, Status.SUCCESS, responseData(HttpStatus.OK));
		// The first attempt took 150ms: had the second's start been taken for it, it would be 50ms
		assertThat(this.greeter.latency().load("greeter-1")).isEqualTo(Duration.ofMillis(150).toNanos());
		assertThat(startTimes()).isEmpty();
	}

	@Test
	void connectionFailuresEjectTheInstanceAfterConsecutiveFailures() {
		attempt(FIRST, Status.FAILED, null);
		attempt(FIRST, Status.FAILED, null);
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
		attempt(FIRST, Status.FAILED, null);
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isTrue();
		assertThat(this.greeter.outliers().isEjected("greeter-2")).isFalse();
	}

	@Test
	void serverErrorsEjectTheInstanceAfterConsecutiveFailures() {
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.INTERNAL_SERVER_ERROR));
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.BAD_GATEWAY));
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isTrue();
		assertThat(this.greeter.outliers().ejections()).isOne();
	}

	@Test
	void successfulAnswersBreakARunOfFailures() {
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		attempt(FIRST, Status.FAILED, null);
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.OK));
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		attempt(FIRST, Status.FAILED, null);
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
	}

	@Test
	void clientErrorsAreTheCallersMistakeAndCountAsSuccesses() {
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.NOT_FOUND));
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
		attempt(FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isTrue();
	}

	@Test
	void anAnswerThatIsNotResponseDataCountsAsASuccess() {
		attempt(FIRST, Status.FAILED, null);
		attempt(FIRST, Status.FAILED, null);
		attempt(FIRST, Status.SUCCESS, "a response of another kind");
		attempt(FIRST, Status.FAILED, null);
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
	}

	@Test
	void eachTargetIsToldOnlyOfItsOwnInstances() {
		ServiceInstance salutation = new DefaultServiceInstance("salutation-1", "salutation", "10.0.0.3", 8080, false);
		for (int i = 0; i < 3; i++) {
			attempt(salutation, Status.FAILED, null);
		}
		assertThat(this.targets.get("salutation").outliers().isEjected("salutation-1")).isTrue();
		assertThat(this.greeter.outliers().ejections()).isZero();
	}

	@Test
	void discardedCallsAndCallsWithoutAnInstanceAreIgnored() {
		Request<Object> request = new DefaultRequest<>();
		assertThatNoException().isThrownBy(() -> {
			this.recorder.onStart(request);
			this.recorder.onStartRequest(request, new EmptyResponse());
			this.recorder.onStartRequest(request, null);
			for (int i = 0; i < 3; i++) {
				this.recorder.onComplete(new CompletionContext<>(Status.DISCARD, request, new EmptyResponse()));
				this.recorder.onComplete(new CompletionContext<>(Status.DISCARD, request));
			}
		});
		assertThat(startTimes()).isEmpty();
		assertThat(this.greeter.outliers().ejections()).isZero();
	}

	@Test
	void aCompletionWithoutAStartIsIgnored() {
		for (int i = 0; i < 3; i++) {
			complete(new DefaultRequest<>(), FIRST, Status.FAILED, null);
		}
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
		assertThat(this.greeter.latency().load("greeter-1")).isZero();
	}

	@Test
	void anAttemptIsRecordedOnceAndForgottenWhenComplete() {
		Request<Object> request = new DefaultRequest<>();
		start(request, FIRST);
		assertThat(startTimes()).hasSize(1);
		for (int i = 0; i < 3; i++) {
			complete(request, FIRST, Status.SUCCESS, responseData(HttpStatus.SERVICE_UNAVAILABLE));
		}
		assertThat(this.greeter.outliers().isEjected("greeter-1")).isFalse();
		for (int i = 0; i < 100; i++) {
			attempt((i % 2 == 0) ? FIRST : SECOND, (i % 3 == 0) ? Status.FAILED : Status.SUCCESS,
					responseData(HttpStatus.OK));
		}
		assertThat(startTimes()).isEmpty();
	}

	private void attempt(ServiceInstance instance, Status status, Object clientResponse) {
		// Spring Cloud makes a request object per attempt, shared by both callbacks, and gives each
		// callback a response object of its own
		Request<Object> request = new DefaultRequest<>();
		start(request, instance);
		this.nanos.addAndGet(Duration.ofMillis(5).toNanos());
		complete(request, instance, status, clientResponse);
	}

	private void start(Request<Object> request, ServiceInstance instance) {
		this.recorder.onStart(request);
		this.recorder.onStartRequest(request, new DefaultResponse(instance));
	}

	private void complete(Request<Object> request, ServiceInstance instance, Status status, Object clientResponse) {
		DefaultResponse response = new DefaultResponse(instance);
		CompletionContext<Object, ServiceInstance, Object> completion = (status == Status.FAILED)
				? new CompletionContext<>(status, new IOException("Connection refused"), request, response)
				: new CompletionContext<>(status, request, response, clientResponse);
		this.recorder.onComplete(completion);
	}

	private void failWith(Request<Object> request, ServiceInstance instance, Throwable failure) {
		if (!startTimes().containsKey(request)) {
			start(request, instance);
		}
		this.recorder.onComplete(new CompletionContext<>(Status.FAILED, failure, request, new DefaultResponse(instance)));
	}

	private static ResponseData responseData(HttpStatus status) {
		return new ResponseData(status, new HttpHeaders(), new LinkedMultiValueMap<>(), null);
	}

	@SuppressWarnings("unchecked")
	private Map<Request<Object>, Long> startTimes() {
		return (Map<Request<Object>, Long>) ReflectionTestUtils.getField(this.recorder, "startTimes");
	}

}
