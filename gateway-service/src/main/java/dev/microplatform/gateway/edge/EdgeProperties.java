package dev.microplatform.gateway.edge;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Bounds on what one client connection may send and how slowly. They are the server's, fixed at
 * start-up (a configuration refresh does not change a listening server).
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

	public Duration getBodyTimeout() {
		return this.bodyTimeout;
	}

	public void setBodyTimeout(Duration bodyTimeout) {
		this.bodyTimeout = bodyTimeout;
	}

}
