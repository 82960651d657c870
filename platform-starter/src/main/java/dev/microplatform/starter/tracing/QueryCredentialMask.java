package dev.microplatform.starter.tracing;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Masks the values of query parameters that carry credentials ({@code access_token}, {@code api_key},
 * {@code password}, ...) in a URL, so that a URL recorded in a span or a log shows which parameters
 * a request had but not their secrets. Parameter names match without regard to case.
 */
public final class QueryCredentialMask {

	/** What a masked value reads. */
	public static final String MASK = "******";

	private final Set<String> names;

	public QueryCredentialMask(Collection<String> names) {
		this.names = names.stream().map((name) -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Mask a URL's credential parameters.
	 * @param url a URL or a path with a query
	 * @return the same URL with those parameters' values masked; the URL itself when it has none
	 */
	public String mask(String url) {
		int query = url.indexOf('?');
		if (query < 0 || this.names.isEmpty()) {
			return url;
		}
		int fragment = url.indexOf('#', query);
		int end = (fragment >= 0) ? fragment : url.length();
		StringBuilder masked = new StringBuilder(url.length()).append(url, 0, query + 1);
		boolean changed = false;
		int start = query + 1;
		while (start <= end) {
			int ampersand = url.indexOf('&', start);
			int parameterEnd = (ampersand < 0 || ampersand > end) ? end : ampersand;
			String parameter = url.substring(start, parameterEnd);
			int equals = parameter.indexOf('=');
			String name = (equals >= 0) ? parameter.substring(0, equals) : parameter;
			if (equals >= 0 && this.names.contains(decodedName(name))) {
				masked.append(name).append('=').append(MASK);
				changed = true;
			}
			else {
				masked.append(parameter);
			}
			if (parameterEnd < end) {
				masked.append('&');
			}
			start = parameterEnd + 1;
		}
		masked.append(url, end, url.length());
		return changed ? masked.toString() : url;
	}

	/** A name as a server reads it: percent-escapes and {@code +} decoded, in lower case. */
	private static String decodedName(String name) {
		if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
			return name.toLowerCase(Locale.ROOT);
		}
		try {
			return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			return name.toLowerCase(Locale.ROOT);
		}
	}

}
