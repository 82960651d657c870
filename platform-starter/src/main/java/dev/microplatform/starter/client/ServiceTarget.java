package dev.microplatform.starter.client;

import dev.microplatform.starter.client.PlatformClientProperties.TargetSettings;
import dev.microplatform.starter.loadbalancer.OutlierDetector;
import dev.microplatform.starter.loadbalancer.PeakEwmaChooser;

import org.springframework.cloud.client.ServiceInstance;

/**
 * What one process knows about one target service it calls: its settings, the retry budget shared
 * by all calls to it, the latency of its instances and which of them are ejected.
 *
 * @param serviceId the target's service id
 * @param settings the resolved settings of calls to it
 * @param retryBudget the budget every retry to it draws from
 * @param latency peak-EWMA latency and requests in flight per instance
 * @param outliers the instances ejected after consecutive failures
 */
public record ServiceTarget(String serviceId, TargetSettings settings, RetryBudget retryBudget,
		PeakEwmaChooser latency, OutlierDetector outliers) {

	/**
	 * Return the key under which an instance's latency and failures are kept: its instance id, or
	 * its address where the discovery client gives it none.
	 * @param instance an instance of the target
	 * @return its key
	 */
	public static String keyOf(ServiceInstance instance) {
		String id = instance.getInstanceId();
		return (id != null) ? id : instance.getHost() + ":" + instance.getPort();
	}

}
