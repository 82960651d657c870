package dev.microplatform.gateway.consumer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Who may call the gateway, on which routes, how often. Configuration from config-service, so a
 * change reaches the running gateway without a restart (hence a mutable bean: Spring Cloud's
 * refresh rebinds it in place).
 */
@ConfigurationProperties(GatewayConsumerProperties.PREFIX)
public class GatewayConsumerProperties {

	public static final String PREFIX = "platform.gateway";

	/** Request header that carries a consumer's API key. Removed before forwarding. */
	private String apiKeyHeader = "X-API-Key";

	/**
	 * Request header in which the authenticated consumer's id is forwarded. Whatever a client sends in
	 * it is replaced (or removed, for an anonymous call), so a service can trust it. The default is
	 * the header the starter's per-caller rate limits key on ({@code platform.inbound.caller-header}).
	 */
	private String consumerHeader = "X-Caller-Id";

	/**
	 * Routes callable without credentials (route id, or the service id of an {@code lb://} route).
	 * Anonymous calls are rate limited per client address. Every other route needs a consumer.
	 */
	private Set<String> anonymousRoutes = new LinkedHashSet<>();

	/** The consumers, by id. A JWT's subject names the consumer it authenticates. */
	private Map<String, Consumer> consumers = new LinkedHashMap<>();

	private final Jwt jwt = new Jwt();

	private final RateLimits rateLimit = new RateLimits();

	public String getApiKeyHeader() {
		return this.apiKeyHeader;
	}

	public void setApiKeyHeader(String apiKeyHeader) {
		this.apiKeyHeader = apiKeyHeader;
	}

	public String getConsumerHeader() {
		return this.consumerHeader;
	}

	public void setConsumerHeader(String consumerHeader) {
		this.consumerHeader = consumerHeader;
	}

	public Set<String> getAnonymousRoutes() {
		return this.anonymousRoutes;
	}

	public void setAnonymousRoutes(Set<String> anonymousRoutes) {
		this.anonymousRoutes = anonymousRoutes;
	}

	public Map<String, Consumer> getConsumers() {
		return this.consumers;
	}

	public void setConsumers(Map<String, Consumer> consumers) {
		this.consumers = consumers;
	}

	public Jwt getJwt() {
		return this.jwt;
	}

	public RateLimits getRateLimit() {
		return this.rateLimit;
	}

	/** One API consumer. */
	public static class Consumer {

		/**
		 * Its API keys, each stored as {@code sha256:<hex of SHA-256 of the key>}, never in plain text.
		 * More than one lets a key be rotated without downtime.
		 */
		private Set<String> apiKeys = new LinkedHashSet<>();

		/** Routes it may call (route id, or the service id of an {@code lb://} route); {@code *} for all. */
		private Set<String> routes = new LinkedHashSet<>();

		/** Its token bucket; when unset, {@code platform.gateway.rate-limit.consumer-default}. */
		private Limit rateLimit;

		public Set<String> getApiKeys() {
			return this.apiKeys;
		}

		public void setApiKeys(Set<String> apiKeys) {
			this.apiKeys = apiKeys;
		}

		public Set<String> getRoutes() {
			return this.routes;
		}

		public void setRoutes(Set<String> routes) {
			this.routes = routes;
		}

		public Limit getRateLimit() {
			return this.rateLimit;
		}

		public void setRateLimit(Limit rateLimit) {
			this.rateLimit = rateLimit;
		}

	}

	/**
	 * JWT bearer tokens (RS256): verified with a public key or a JWK set. Once either is set, the
	 * issuer and the audience are required too: the gateway does not start without them.
	 */
	public static class Jwt {

		static final String PUBLIC_KEY_LOCATION = PREFIX + ".jwt.public-key-location";

		static final String JWK_SET_URI = PREFIX + ".jwt.jwk-set-uri";

		static final String ISSUER = PREFIX + ".jwt.issuer";

		static final String AUDIENCE = PREFIX + ".jwt.audience";

		/** PEM file of the RSA public key that verifies tokens, e.g. {@code file:/etc/gateway/jwt.pem}. */
		private Resource publicKeyLocation;

		/** JWK set URI to verify tokens with instead of a single public key. */
		private String jwkSetUri;

		/**
		 * The {@code iss} claim every token must have: the identity provider that issues tokens for
		 * this platform. Required once tokens are verified.
		 */
		private String issuer;

		/**
		 * A value the {@code aud} claim of every token must contain: this platform's API, so that a
		 * token the same identity provider issued for another application is refused. Required once
		 * tokens are verified.
		 */
		private String audience;

		public Resource getPublicKeyLocation() {
			return this.publicKeyLocation;
		}

		public void setPublicKeyLocation(Resource publicKeyLocation) {
			this.publicKeyLocation = publicKeyLocation;
		}

		public String getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(String jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(String issuer) {
			this.issuer = issuer;
		}

		public String getAudience() {
			return this.audience;
		}

		public void setAudience(String audience) {
			this.audience = audience;
		}

	}

	/** Token buckets in Redis, per consumer and per client address for anonymous calls. */
	public static class RateLimits {

		/** Bucket of a consumer that has none of its own. */
		private Limit consumerDefault = new Limit(50, 100, 1);

		/** Bucket of each client address calling an anonymous route. */
		private Limit anonymous = new Limit(10, 20, 1);

		/** Whether requests pass (true: fail open) or get 503 while Redis is unavailable. */
		private boolean allowWhenRedisUnavailable = true;

		/** At most one log line per this interval about Redis being unavailable. */
		private Duration unavailableLogInterval = Duration.ofSeconds(30);

		public Limit getConsumerDefault() {
			return this.consumerDefault;
		}

		public void setConsumerDefault(Limit consumerDefault) {
			this.consumerDefault = consumerDefault;
		}

		public Limit getAnonymous() {
			return this.anonymous;
		}

		public void setAnonymous(Limit anonymous) {
			this.anonymous = anonymous;
		}

		public boolean isAllowWhenRedisUnavailable() {
			return this.allowWhenRedisUnavailable;
		}

		public void setAllowWhenRedisUnavailable(boolean allowWhenRedisUnavailable) {
			this.allowWhenRedisUnavailable = allowWhenRedisUnavailable;
		}

		public Duration getUnavailableLogInterval() {
			return this.unavailableLogInterval;
		}

		public void setUnavailableLogInterval(Duration unavailableLogInterval) {
			this.unavailableLogInterval = unavailableLogInterval;
		}

	}

	/**
	 * A token bucket, as Spring Cloud Gateway's {@code RedisRateLimiter} keeps it: {@code replenishRate}
	 * tokens a second up to {@code burstCapacity}, {@code requestedTokens} per request (a rate below one
	 * request a second is a request costing several tokens).
	 */
	public static class Limit {

		private int replenishRate;

		private int burstCapacity;

		private int requestedTokens = 1;

		public Limit() {
		}

		Limit(int replenishRate, int burstCapacity, int requestedTokens) {
			this.replenishRate = replenishRate;
			this.burstCapacity = burstCapacity;
			this.requestedTokens = requestedTokens;
		}

		public int getReplenishRate() {
			return this.replenishRate;
		}

		public void setReplenishRate(int replenishRate) {
			this.replenishRate = replenishRate;
		}

		public int getBurstCapacity() {
			return this.burstCapacity;
		}

		public void setBurstCapacity(int burstCapacity) {
			this.burstCapacity = burstCapacity;
		}

		public int getRequestedTokens() {
			return this.requestedTokens;
		}

		public void setRequestedTokens(int requestedTokens) {
			this.requestedTokens = requestedTokens;
		}

	}

}
