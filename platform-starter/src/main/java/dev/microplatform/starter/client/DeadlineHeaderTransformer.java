package dev.microplatform.starter.client;

import java.time.Duration;
import java.util.Optional;

import dev.microplatform.starter.inbound.RequestDeadline;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.http.HttpRequest;

/**
 * Brings the deadline header up to date on every attempt of a load-balanced call, retries
 * included: {@link DeadlinePropagatingInterceptor} sets it once, before the first attempt and its
 * backoffs. An attempt made with no time left carries 0, which the target answers at once.
 */
public class DeadlineHeaderTransformer implements LoadBalancerRequestTransformer {

	@Override
	public HttpRequest transformRequest(HttpRequest request, ServiceInstance instance) {
		Optional<Duration> remaining = RequestDeadline.remaining();
		remaining.ifPresent((left) -> request.getHeaders()
			.set(RequestDeadline.HEADER, Long.toString(Math.max(0, left.toMillis()))));
		return request;
	}

}
