package dev.microplatform.gateway.edge;

import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the gateway takes from a client: on every connection the framing checks and the head
 * timeout, the body timeout from Reactor Netty ({@code requestTimeout}: from the end of a request's
 * head to the end of its body), the body limit on what a chunked body really sends; and of every
 * request only the headers a backend may believe ({@link EdgeRequestHeadersFilter}, the trust in
 * proxies read once, as the gateway's own {@code X-Forwarded-*} handling reads it).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EdgeProperties.class)
class EdgeConfiguration {

	static final String HEAD_TIMEOUT_HANDLER = "platform.requestHeadTimeout";

	static final String FRAMING_GUARD_HANDLER = "platform.requestFramingGuard";

	@Bean
	NettyServerCustomizer edgeConnectionGuards(EdgeProperties edge) {
		RequestFraming framing = new RequestFraming(edge.getMaxBodySize().toBytes());
		return (server) -> server.requestTimeout(edge.getBodyTimeout()).doOnChannelInit((observer, channel, remote) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) == null) {
				return;
			}
			RequestHeadTimeout headTimeout = new RequestHeadTimeout(edge.getHeaderTimeout());
			pipeline.addBefore(NettyPipeline.HttpCodec, HEAD_TIMEOUT_HANDLER, headTimeout);
			pipeline.addAfter(NettyPipeline.HttpCodec, FRAMING_GUARD_HANDLER, new RequestFramingGuard(framing, headTimeout));
		});
	}

	@Bean
	EdgeRequestHeadersFilter edgeRequestHeadersFilter(EdgeProperties properties, GatewayProperties gateway,
			HttpClientProperties httpClient) {
		return new EdgeRequestHeadersFilter(properties, gateway.getTrustedProxies(), httpClient);
	}

	@Bean
	CorsRejectionProblemFilter corsRejectionProblemFilter() {
		return new CorsRejectionProblemFilter();
	}

	@Bean
	RequestBodyLimitFilter requestBodyLimitFilter(EdgeProperties edge) {
		return new RequestBodyLimitFilter(edge.getMaxBodySize().toBytes());
	}

}
