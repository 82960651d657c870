package dev.microplatform.gateway.consumer;

import java.net.InetSocketAddress;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * API consumers: authentication and ACLs ({@link ConsumerAuthenticationFilter}) and their rate
 * limits ({@link ConsumerRateLimiter}, used by the {@code RequestRateLimiter} default filter through
 * the {@code consumerKeyResolver} and {@code consumerRateLimiter} beans).
 */
@Configuration(proxyBeanMethods = false)
class ConsumerConfiguration {

	/**
	 * Refresh-scoped: a configuration change makes a new, fully bound instance that the next calls
	 * use. Rebound in place, as Spring Cloud does with other properties, the one in use is first
	 * reset to its defaults: for that moment it knew no consumer, and their calls got 401.
	 */
	@Bean
	@RefreshScope
	@ConfigurationProperties(GatewayConsumerProperties.PREFIX)
	GatewayConsumerProperties gatewayConsumerProperties() {
		return new GatewayConsumerProperties();
	}

	/**
	 * Its token decoder is made once, at start-up, from {@code platform.gateway.jwt}: with a key but
	 * without issuer or audience the gateway does not start ({@link MissingJwtSettingFailureAnalyzer}).
	 */
	@Bean
	ConsumerAuthenticationFilter consumerAuthenticationFilter(GatewayConsumerProperties properties) {
		return new ConsumerAuthenticationFilter(properties, ConsumerJwtDecoders.of(properties.getJwt()));
	}

	/** A consumer's bucket for its calls, a client address's for anonymous ones. */
	@Bean
	KeyResolver consumerKeyResolver() {
		return (exchange) -> {
			Caller caller = Caller.of(exchange);
			if (caller == null) {
				return Mono.empty();
			}
			InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
			String address = (remote != null) ? remote.getAddress().getHostAddress() : "unknown";
			return Mono.just(ConsumerRateLimiter.keyOf(caller, address));
		};
	}

	/**
	 * Primary over the gateway's own {@code redisRateLimiter}, which it replaces. The gateway's token
	 * bucket script is read once: the gateway's bean reads it from a classpath resource and asks that
	 * resource on every call whether it changed, which inside the jar cost a quarter of a request's CPU.
	 */
	@Bean
	@Primary
	ConsumerRateLimiter consumerRateLimiter(ReactiveStringRedisTemplate redis,
			@Qualifier(RedisRateLimiter.REDIS_SCRIPT_NAME) RedisScript<List<Long>> script,
			GatewayConsumerProperties properties, MeterRegistry meterRegistry) {
		RedisScript<List<Long>> readOnce = RedisScript.of(script.getScriptAsString(), script.getResultType());
		return new ConsumerRateLimiter(redis, readOnce, properties, meterRegistry);
	}

	/**
	 * While the connection to Redis is down, commands fail at once instead of queueing until it is
	 * back: the rate limiter then decides without Redis rather than holding requests.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer failFastWhileRedisIsDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

}
