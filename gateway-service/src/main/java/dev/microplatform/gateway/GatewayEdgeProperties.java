package dev.microplatform.gateway;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.microplatform.starter.inbound.RequestDeadline;

/**
 * What the gateway removes from a request before a backend sees it ({@link EdgeRequestHeadersFilter}).
 */
@ConfigurationProperties(GatewayEdgeProperties.PREFIX)
public class GatewayEdgeProperties {

	public static final String PREFIX = "platform.gateway.edge";

	/**
	 * Request headers that the platform or a backend may take for the truth about the client, its
	 * address, the URL it called or its deadline: removed from every client that does not match
	 * {@code spring.cloud.gateway.server.webflux.trusted-proxies}, kept from one that does. (The
	 * gateway replaces {@code X-Forwarded-*} and {@code Forwarded} itself, under the same rule.)
	 */
	private List<String> untrustedHeaders = new ArrayList<>(List.of("X-Real-IP", "True-Client-IP", "X-Client-IP",
			"X-Cluster-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Original-URL", "X-Original-URI",
			"X-Rewrite-URL", RequestDeadline.HEADER));

	public List<String> getUntrustedHeaders() {
		return this.untrustedHeaders;
	}

	public void setUntrustedHeaders(List<String> untrustedHeaders) {
		this.untrustedHeaders = untrustedHeaders;
	}

}
