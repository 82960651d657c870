package dev.microplatform.gateway;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the gateway passes on of a client's request ({@link EdgeRequestHeadersFilter}). The trust
 * in proxies is read once, as the gateway's own {@code X-Forwarded-*} handling reads it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayEdgeProperties.class)
class EdgeConfiguration {

	@Bean
	EdgeRequestHeadersFilter edgeRequestHeadersFilter(GatewayEdgeProperties properties, GatewayProperties gateway,
			HttpClientProperties httpClient) {
		return new EdgeRequestHeadersFilter(properties, gateway.getTrustedProxies(), httpClient);
	}

}
