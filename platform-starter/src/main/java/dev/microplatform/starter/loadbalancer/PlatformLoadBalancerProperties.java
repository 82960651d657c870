package dev.microplatform.starter.loadbalancer;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Client-side load balancing for calls to other services by name.
 */
@ConfigurationProperties(PlatformLoadBalancerProperties.PREFIX)
public class PlatformLoadBalancerProperties {

	public static final String PREFIX = "platform.loadbalancer";

	/**
	 * Whether to provide load-balanced client builders (inject them with {@code @LoadBalanced}).
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
