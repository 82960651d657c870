package dev.microplatform.gateway.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.microplatform.gateway.consumer.GatewayConsumerProperties.Consumer;
import dev.microplatform.gateway.consumer.GatewayConsumerProperties.Limit;
import dev.microplatform.gateway.consumer.GatewayConsumerProperties.RateLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpHeaders;

/**
 * The token buckets behind Spring Cloud Gateway's {@code RequestRateLimiter} filter: one per consumer
 * (shared by all routes) and one per client address for anonymous calls, each with its limit from
 * {@link GatewayConsumerProperties} (read on every call, so a refreshed limit applies at once). The
 * buckets are the gateway's own Redis token-bucket script, so every gateway instance shares them.
 * <p>
 * Unlike {@link RedisRateLimiter}, a Redis that is down or slow never stalls a request: when the
 * connection is down, or past {@code spring.data.redis.timeout} (Lettuce's command timeout, which
 * times the Redis round trip only), the call is allowed (or refused, by setting), counted in
 * {@value #UNAVAILABLE_METRIC}, and logged at most once per interval.
 */
public class ConsumerRateLimiter implements RateLimiter<Limit> {

	static final String UNAVAILABLE_METRIC = "platform.gateway.rate.limiter.redis.unavailable";

	private static final Log logger = LogFactory.getLog(ConsumerRateLimiter.class);

	private static final String CONSUMER_PREFIX = "consumer:";

	private final ReactiveStringRedisTemplate redis;

	private final RedisScript<List<Long>> script;

	private final GatewayConsumerProperties properties;

	private final Counter allowedUnavailable;

	private final Counter deniedUnavailable;

	private final LongSupplier nanoClock;

	private final AtomicLong lastLogged;

	public ConsumerRateLimiter(ReactiveStringRedisTemplate redis, RedisScript<List<Long>> script,
			GatewayConsumerProperties properties, MeterRegistry meterRegistry) {
		this(redis, script, properties, meterRegistry, System::nanoTime);
	}

	ConsumerRateLimiter(ReactiveStringRedisTemplate redis, RedisScript<List<Long>> script,
			GatewayConsumerProperties properties, MeterRegistry meterRegistry, LongSupplier nanoClock) {
		this.redis = redis;
		this.script = script;
		this.properties = properties;
		this.allowedUnavailable = unavailableCounter(meterRegistry, "allowed");
		this.deniedUnavailable = unavailableCounter(meterRegistry, "denied");
		this.nanoClock = nanoClock;
		this.lastLogged = new AtomicLong(nanoClock.getAsLong() - Long.MAX_VALUE / 2);
	}

	private static Counter unavailableCounter(MeterRegistry registry, String outcome) {
		return Counter.builder(UNAVAILABLE_METRIC)
			.description("Rate-limit decisions made without Redis (down, or slower than its command timeout)")
			.tag("outcome", outcome)
			.register(registry);
	}

	/**
	 * The key of the bucket that a caller draws from.
	 * @param caller the authenticated caller
	 * @param clientAddress the client's address, for an anonymous caller
	 * @return the key
	 */
	static String keyOf(Caller caller, String clientAddress) {
		return caller.anonymous() ? "ip:" + clientAddress : CONSUMER_PREFIX + caller.consumerId();
	}

	@Override
	public Mono<Response> isAllowed(String routeId, String key) {
		RateLimits settings = this.properties.getRateLimit();
		Limit limit = limitOf(key);
		List<String> keys = List.of("request_rate_limiter.{" + key + "}.tokens",
				"request_rate_limiter.{" + key + "}.timestamp");
		List<String> args = List.of(Integer.toString(limit.getReplenishRate()),
				Integer.toString(limit.getBurstCapacity()), "", Integer.toString(limit.getRequestedTokens()));
		return this.redis.execute(this.script, keys, args)
			.collectList()
			// The rest of the request runs off Lettuce's I/O thread, which is left to read answers:
			// a burst keeping the gateway busy must not make a prompt Redis look slow.
			.publishOn(Schedulers.parallel())
			.map((results) -> decide(limit, results))
			.onErrorResume((ex) -> Mono.just(withoutRedis(settings, limit, ex)));
	}

	private Limit limitOf(String key) {
		RateLimits settings = this.properties.getRateLimit();
		if (!key.startsWith(CONSUMER_PREFIX)) {
			return settings.getAnonymous();
		}
		Consumer consumer = this.properties.getConsumers().get(key.substring(CONSUMER_PREFIX.length()));
		return (consumer != null && consumer.getRateLimit() != null) ? consumer.getRateLimit()
				: settings.getConsumerDefault();
	}

	private Response decide(Limit limit, List<List<Long>> results) {
		List<Long> flat = new ArrayList<>(2);
		results.forEach(flat::addAll);
		boolean allowed = flat.get(0) == 1L;
		Map<String, String> headers = headers(limit, flat.get(1));
		if (!allowed) {
			headers.put(HttpHeaders.RETRY_AFTER, Long.toString(secondsToRefill(limit)));
		}
		return new Response(allowed, headers);
	}

	private Response withoutRedis(RateLimits settings, Limit limit, Throwable ex) {
		boolean allowed = settings.isAllowWhenRedisUnavailable();
		(allowed ? this.allowedUnavailable : this.deniedUnavailable).increment();
		long now = this.nanoClock.getAsLong();
		long last = this.lastLogged.get();
		if (now - last >= settings.getUnavailableLogInterval().toNanos() && this.lastLogged.compareAndSet(last, now)) {
			logger.warn("Rate limiting without Redis (" + ex + "): requests are " + (allowed ? "allowed" : "refused")
					+ "; the " + UNAVAILABLE_METRIC + " counter counts them; next such message in "
					+ settings.getUnavailableLogInterval().toSeconds() + " s at the earliest");
		}
		Map<String, String> headers = headers(limit, -1);
		if (!allowed) {
			headers.put(HttpHeaders.RETRY_AFTER, "1");
		}
		return new Response(allowed, headers);
	}

	private static Map<String, String> headers(Limit limit, long remaining) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(RedisRateLimiter.REMAINING_HEADER, Long.toString(remaining));
		headers.put(RedisRateLimiter.REPLENISH_RATE_HEADER, Integer.toString(limit.getReplenishRate()));
		headers.put(RedisRateLimiter.BURST_CAPACITY_HEADER, Integer.toString(limit.getBurstCapacity()));
		headers.put(RedisRateLimiter.REQUESTED_TOKENS_HEADER, Integer.toString(limit.getRequestedTokens()));
		return headers;
	}

	/** Whole seconds until the bucket holds one request's tokens again (at least one). */
	static long secondsToRefill(Limit limit) {
		if (limit.getReplenishRate() <= 0) {
			return Duration.ofMinutes(1).toSeconds();
		}
		return Math.max(1, (limit.getRequestedTokens() + limit.getReplenishRate() - 1) / limit.getReplenishRate());
	}

	@Override
	public Map<String, Limit> getConfig() {
		// Limits come from GatewayConsumerProperties, not from route arguments.
		return Map.of();
	}

	@Override
	public Class<Limit> getConfigClass() {
		return Limit.class;
	}

	@Override
	public Limit newConfig() {
		return new Limit();
	}

}
