package dev.microplatform.gateway.consumer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
import org.springframework.core.io.Resource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

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

	@Bean
	ConsumerAuthenticationFilter consumerAuthenticationFilter(GatewayConsumerProperties properties) {
		return new ConsumerAuthenticationFilter(properties, jwtDecoder(properties.getJwt()));
	}

	/** RS256 tokens, checked for signature, expiry and not-before (a minute of clock skew), and issuer. */
	private static ReactiveJwtDecoder jwtDecoder(GatewayConsumerProperties.Jwt jwt) {
		NimbusReactiveJwtDecoder decoder;
		if (jwt.getJwkSetUri() != null) {
			decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwt.getJwkSetUri()).build();
		}
		else if (jwt.getPublicKeyLocation() != null) {
			decoder = NimbusReactiveJwtDecoder.withPublicKey(publicKey(jwt.getPublicKeyLocation())).build();
		}
		else {
			return (token) -> Mono.error(new BadJwtException("no key to verify bearer tokens is configured"));
		}
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		// Spring Security accepts a token without expiry; a consumer's token must expire.
		validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
		if (jwt.getIssuer() != null) {
			validators.add(new JwtIssuerValidator(jwt.getIssuer()));
		}
		decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(validators));
		return decoder;
	}

	private static RSAPublicKey publicKey(Resource location) {
		try (InputStream pem = location.getInputStream()) {
			return RsaKeyConverters.x509().convert(pem);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the JWT public key from " + location, ex);
		}
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
