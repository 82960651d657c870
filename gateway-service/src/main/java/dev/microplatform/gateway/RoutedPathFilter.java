package dev.microplatform.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriUtils;

/**
 * Refuses, before any route is chosen, paths that would reach what no API consumer may reach:
 * traversal ({@code ..}, however encoded, {@code ..;/}), encoded slashes, malformed escapes, and any
 * service's actuator endpoints ({@code /api/<service>/actuator/...}). The backend never sees them.
 */
@Component
class RoutedPathFilter implements WebFilter, Ordered {

	/** Decoding rounds before a path is judged: double-encoded traversal is a classic. */
	private static final int DECODE_ROUNDS = 3;

	@Override
	public int getOrder() {
		// Right after the access log, before anything else
		return Ordered.HIGHEST_PRECEDENCE + 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String rawPath = exchange.getRequest().getURI().getRawPath();
		String path = rawPath;
		try {
			for (int round = 0; round < DECODE_ROUNDS && path.indexOf('%') >= 0; round++) {
				path = UriUtils.decode(path, StandardCharsets.UTF_8);
			}
		}
		catch (IllegalArgumentException ex) {
			return reject(exchange, HttpStatus.BAD_REQUEST, "The path has a malformed percent-encoding.");
		}
		String lower = path.toLowerCase(Locale.ROOT);
		String rawLower = rawPath.toLowerCase(Locale.ROOT);
		if (lower.contains(";") || lower.contains("\\") || lower.indexOf('%') >= 0 || hasDotSegment(lower)
				|| rawLower.contains("%2f") || rawLower.contains("%5c")) {
			return reject(exchange, HttpStatus.BAD_REQUEST,
					"The path has a dot segment, an encoded separator or a parameter; it is not routed.");
		}
		if (lower.startsWith("/api/") && (lower.contains("/actuator/") || lower.endsWith("/actuator"))) {
			return reject(exchange, HttpStatus.NOT_FOUND, "No such route.");
		}
		return chain.filter(exchange);
	}

	private static boolean hasDotSegment(String path) {
		for (String segment : path.split("/", -1)) {
			if (segment.equals("..") || segment.equals(".")) {
				return true;
			}
		}
		return false;
	}

	private static Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, String detail) {
		String type = (status == HttpStatus.NOT_FOUND) ? "not-found" : "invalid-request";
		return ProblemResponse.write(exchange, status, type, detail);
	}

}
