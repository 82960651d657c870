package dev.microplatform.gateway;

import java.util.concurrent.TimeUnit;

import dev.microplatform.gateway.consumer.Caller;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every response the request's trace id ({@value #TRACE_ID_HEADER}, to quote when reporting a
 * problem; Zipkin finds the trace by it) and writes one access-log line per request when its
 * response starts: trace id, consumer, route, method, path, status, latency to the first byte and
 * body size. The fields are also key-value pairs, which structured (JSON) logging keeps as fields.
 */
@Component
class AccessLogFilter implements WebFilter, Ordered {

	static final String TRACE_ID_HEADER = "X-Trace-Id";

	private static final Logger accessLog = LoggerFactory.getLogger("dev.microplatform.gateway.access");

	@Override
	public int getOrder() {
		// First: requests refused by any later filter are logged too
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long start = System.nanoTime();
		String traceId = traceIdOf(exchange);
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			if (traceId != null) {
				response.getHeaders().set(TRACE_ID_HEADER, traceId);
			}
			// The gateway's own health checks and scrapes are not API traffic
			if (accessLog.isInfoEnabled() && !exchange.getRequest().getPath().value().startsWith("/actuator")) {
				log(exchange, traceId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	private static @Nullable String traceIdOf(ServerWebExchange exchange) {
		return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map((context) -> context.<TracingContext>get(TracingContext.class))
			.map((tracing) -> tracing.getSpan())
			.map((span) -> span.context().traceId())
			.orElse(null);
	}

	private static void log(ServerWebExchange exchange, @Nullable String traceId, long latencyMillis) {
		Caller caller = Caller.of(exchange);
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		long bytes = exchange.getResponse().getHeaders().getContentLength();
		String trace = orDash(traceId);
		String consumer = (caller == null) ? "-" : (caller.anonymous() ? "anonymous" : caller.consumerId());
		String routeId = (route != null) ? route.getId() : "-";
		String method = exchange.getRequest().getMethod().name();
		// The path as sent, never the query (it may carry secrets)
		String path = exchange.getRequest().getPath().value();
		String statusCode = (status != null) ? Integer.toString(status.value()) : "-";
		String size = (bytes >= 0) ? Long.toString(bytes) : "-";
		accessLog.atInfo()
			.addKeyValue("trace_id", trace)
			.addKeyValue("consumer", consumer)
			.addKeyValue("route", routeId)
			.addKeyValue("method", method)
			.addKeyValue("path", path)
			.addKeyValue("status", (status != null) ? status.value() : 0)
			.addKeyValue("latency_ms", latencyMillis)
			.addKeyValue("bytes", bytes)
			.log("trace_id={} consumer={} route={} method={} path={} status={} latency_ms={} bytes={}", trace, consumer,
					routeId, method, path, statusCode, latencyMillis, size);
	}

	private static String orDash(@Nullable String value) {
		return (value != null) ? value : "-";
	}

}
