package dev.microplatform.starter.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;

/**
 * Tells each target what became of every attempt on one of its instances: the latency feeds
 * peak-EWMA balancing (except that of an attempt whose connection failed, which measures the
 * connection, not the instance), connection failures and 5xx answers feed outlier ejection. Spring Cloud
 * LoadBalancer calls it around every attempt, retries included.
 */
public class CallOutcomeRecorder implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private static final Log logger = LogFactory.getLog(CallOutcomeRecorder.class);

	private final ServiceTargets targets;

	private final LongSupplier nanoClock;

	// Keyed by identity of the load-balancer request, made anew for every attempt and the one
	// object both callbacks of an attempt share (each gets a response object of its own).
	private final Map<Request<Object>, Long> startTimes = Collections.synchronizedMap(new IdentityHashMap<>());

	public CallOutcomeRecorder(ServiceTargets targets, LongSupplier nanoClock) {
		this.targets = targets;
		this.nanoClock = nanoClock;
	}

	@Override
	public void onStart(Request<Object> request) {
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		if (lbResponse == null || !lbResponse.hasServer()) {
			return;
		}
		ServiceInstance instance = lbResponse.getServer();
		this.targets.get(instance.getServiceId()).latency().onStart(ServiceTarget.keyOf(instance));
		this.startTimes.put(request, this.nanoClock.getAsLong());
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
		Response<ServiceInstance> lbResponse = completion.getLoadBalancerResponse();
		if (lbResponse == null || !lbResponse.hasServer()) {
			return;
		}
		Long start = this.startTimes.remove(completion.getLoadBalancerRequest());
		if (start == null) {
			return;
		}
		ServiceInstance instance = lbResponse.getServer();
		ServiceTarget target = this.targets.get(instance.getServiceId());
		if (connectionFailed(completion)) {
			target.latency().onCancel(ServiceTarget.keyOf(instance));
		}
		else {
			target.latency().onComplete(ServiceTarget.keyOf(instance), this.nanoClock.getAsLong() - start);
		}
		if (failed(completion)) {
			if (target.outliers().recordFailure(ServiceTarget.keyOf(instance))) {
				// Envoy logs each ejection too: rare, and what an operator looks for after an incident
				logger.info("Ejected instance " + ServiceTarget.keyOf(instance) + " (" + instance.getHost() + ":"
						+ instance.getPort() + ") of " + instance.getServiceId() + " after "
						+ target.outliers().consecutiveFailures() + " failed calls in a row");
			}
		}
		else {
			target.outliers().recordSuccess(ServiceTarget.keyOf(instance));
		}
	}

	/**
	 * Whether the attempt failed for want of a connection (refused, reset, closed before an
	 * answer) rather than by waiting too long: its time is not the instance's latency.
	 */
	static boolean connectionFailed(CompletionContext<Object, ServiceInstance, Object> completion) {
		if (completion.status() != CompletionContext.Status.FAILED) {
			return false;
		}
		boolean io = false;
		for (Throwable cause = completion.getThrowable(); cause != null; cause = cause.getCause()) {
			if (cause instanceof InterruptedIOException || cause instanceof TimeoutException) {
				// A read or connect timeout: the instance took that long, which peak-EWMA must see
				return false;
			}
			io |= cause instanceof IOException;
		}
		return io;
	}

	private static boolean failed(CompletionContext<Object, ServiceInstance, Object> completion) {
		if (completion.status() == CompletionContext.Status.FAILED) {
			return true;
		}
		return completion.getClientResponse() instanceof ResponseData response && response.getHttpStatus() != null
				&& response.getHttpStatus().is5xxServerError();
	}

}
