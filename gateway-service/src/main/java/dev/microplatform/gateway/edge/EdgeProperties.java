package dev.microplatform.gateway.edge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.microplatform.starter.inbound.RequestDeadline;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * What the gateway accepts of a client: bounds on what one connection may send and how slowly
 * (the server's, fixed at start-up: a configuration refresh does not change a listening server), and
 * the headers it does not pass on from an untrusted client.
 */
@ConfigurationProperties(EdgeProperties.PREFIX)
public class EdgeProperties {

	public static final String PREFIX = "platform.gateway.edge";

	/**
	 * The largest request body the gateway forwards: a larger {@code Content-Length} gets 413 before
	 * anything is read (no {@code 100 Continue}), and a chunked body is cut at this size with 413, the
	 * backend receiving no more of it.
	 */
	private DataSize maxBodySize = DataSize.ofMegabytes(5);

	/**
	 * How long a client may take to send a request's head (request line and headers) from its first
	 * byte: a slow sender (slowloris) is answered 408 and disconnected once it has passed.
	 */
	private Duration headerTimeout = Duration.ofSeconds(10);

	/**
	 * How long a client may take to send a request's whole body, from the end of its head: a body
	 * that never ends, or trickles, is answered 408 and the connection closed.
	 */
	private Duration bodyTimeout = Duration.ofSeconds(30);

	/**
	 * Request headers that the platform or a backend may take for the truth about the client, its
	 * address, the URL it called or its deadline: removed from every client that does not match
	 * {@code spring.cloud.gateway.server.webflux.trusted-proxies}, kept from one that does. (The
	 * gateway replaces {@code X-Forwarded-*} and {@code Forwarded} itself, under the same rule.)
	 */
	private List<String> untrustedHeaders = new ArrayList<>(List.of("X-Real-IP", "True-Client-IP", "X-Client-IP",
			"X-Cluster-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Original-URL", "X-Original-URI",
			"X-Rewrite-URL", RequestDeadline.HEADER));

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public Duration getHeaderTimeout() {
		return this.headerTimeout;
	}

	public void setHeaderTimeout(Duration headerTimeout) {
		this.headerTimeout = headerTimeout;
	}

	public List<String> getUntrustedHeaders() {
		return this.untrustedHeaders;
	}

	public void setUntrustedHeaders(List<String> untrustedHeaders) {
		this.untrustedHeaders = untrustedHeaders;
	}

	public Duration getBodyTimeout() {
		return this.bodyTimeout;
	}

	public void setBodyTimeout(Duration bodyTimeout) {
		this.bodyTimeout = bodyTimeout;
	}

}
