package dev.microplatform.gateway.edge;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The gateway's reading of RFC 9112 for a request's head, stricter than Netty's decoder where a
 * lenient reading lets a request mean one thing to the gateway and another to a backend (request
 * smuggling) or reach a backend in a form it may misread. Checked before anything routes the request.
 * <ul>
 * <li>Only HTTP/1.0 and HTTP/1.1.</li>
 * <li>A request target in origin form (or absolute form, or {@code *} for {@code OPTIONS}), of the
 * characters RFC 3986 allows, percent-escapes well formed, no fragment, no encoded NUL in the path.</li>
 * <li>Exactly one valid {@code Host} in HTTP/1.1, at most one in HTTP/1.0.</li>
 * <li>{@code Transfer-Encoding}, when present, exactly {@code chunked}: a list whose last coding is
 * not chunked (an unknown coding, an obs-folded line) cannot be framed and gets 400; other codings
 * before chunked are not implemented (501). Never together with {@code Content-Length}.</li>
 * <li>A {@code Content-Length} over the body limit gets 413, so {@code Expect: 100-continue} is
 * answered without a {@code 100 Continue}; any other expectation gets 417.</li>
 * </ul>
 */
final class RequestFraming {

	private static final String CHUNKED = HttpHeaderValues.CHUNKED.toString();

	private static final String CONTINUE = HttpHeaderValues.CONTINUE.toString();

	private final long maxBodySize;

	RequestFraming(long maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	/**
	 * Check a request's head.
	 * @param request the request as Netty decoded it
	 * @return why it is refused, or {@code null} when it may go on
	 */
	@Nullable RequestRefusedException check(HttpRequest request) {
		HttpVersion version = request.protocolVersion();
		boolean http11 = HttpVersion.HTTP_1_1.text().equals(version.text());
		if (!http11 && !HttpVersion.HTTP_1_0.text().equals(version.text())) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "Only HTTP/1.0 and HTTP/1.1 are served.");
		}
		if (!isToken(request.method().name())) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "The request method is not a valid token.");
		}
		RequestRefusedException target = checkTarget(request.method(), request.uri());
		if (target != null) {
			return target;
		}
		HttpHeaders headers = request.headers();
		List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
		if (hosts.size() > 1 || (http11 && hosts.isEmpty())) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "An HTTP/1.1 request needs exactly one Host header.");
		}
		if (!hosts.isEmpty() && !isHost(hosts.get(0))) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "The Host header is not a valid host and port.");
		}
		List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
		if (!encodings.isEmpty()) {
			RequestRefusedException framing = checkTransferEncoding(encodings, http11, headers);
			if (framing != null) {
				return framing;
			}
		}
		if (HttpUtil.getContentLength(request, -1L) > this.maxBodySize) {
			return refuse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
					"The request body is larger than the gateway accepts (" + this.maxBodySize + " bytes).");
		}
		String expect = headers.get(HttpHeaderNames.EXPECT);
		if (expect != null && !expect.equalsIgnoreCase(CONTINUE)) {
			return refuse(HttpResponseStatus.EXPECTATION_FAILED, "The only expectation served is 100-continue.");
		}
		return null;
	}

	private static @Nullable RequestRefusedException checkTransferEncoding(List<String> encodings, boolean http11,
			HttpHeaders headers) {
		if (!http11) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "Transfer-Encoding is not allowed before HTTP/1.1.");
		}
		if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
			return refuse(HttpResponseStatus.BAD_REQUEST,
					"A request may not have both Content-Length and Transfer-Encoding.");
		}
		if (encodings.size() == 1 && encodings.get(0).equalsIgnoreCase(CHUNKED)) {
			return null;
		}
		for (String encoding : encodings) {
			// Netty trims field values, but joins an obs-folded line to the one before with a space
			if (!encoding.equals(encoding.strip())) {
				return refuse(HttpResponseStatus.BAD_REQUEST, "The request's Transfer-Encoding is malformed.");
			}
		}
		String[] codings = String.join(",", encodings).split(",", -1);
		for (String coding : codings) {
			if (!isToken(coding.strip())) {
				return refuse(HttpResponseStatus.BAD_REQUEST, "The request's Transfer-Encoding is malformed.");
			}
		}
		if (!codings[codings.length - 1].strip().equalsIgnoreCase(CHUNKED)) {
			return refuse(HttpResponseStatus.BAD_REQUEST,
					"The request's Transfer-Encoding does not end in chunked: its body cannot be framed.");
		}
		for (int i = 0; i < codings.length - 1; i++) {
			if (codings[i].strip().equalsIgnoreCase(CHUNKED)) {
				return refuse(HttpResponseStatus.BAD_REQUEST, "The request's body is chunked more than once.");
			}
		}
		return refuse(HttpResponseStatus.NOT_IMPLEMENTED, "The gateway implements no transfer coding but chunked.");
	}

	private static @Nullable RequestRefusedException checkTarget(HttpMethod method, String target) {
		if (target.indexOf('#') >= 0) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "The request target has a fragment.");
		}
		for (int i = 0; i < target.length(); i++) {
			char c = target.charAt(i);
			if (c == '%') {
				if (i + 2 >= target.length() || !isHex(target.charAt(i + 1)) || !isHex(target.charAt(i + 2))) {
					return refuse(HttpResponseStatus.BAD_REQUEST, "The request target has a malformed percent-encoding.");
				}
			}
			else if (!isUriCharacter(c)) {
				return refuse(HttpResponseStatus.BAD_REQUEST,
						"The request target has characters that must be percent-encoded.");
			}
		}
		boolean origin = target.startsWith("/");
		boolean asterisk = target.equals("*") && method.equals(HttpMethod.OPTIONS);
		String lower = target.toLowerCase(Locale.ROOT);
		boolean absolute = lower.startsWith("http://") || lower.startsWith("https://");
		if (!origin && !asterisk && !absolute) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "The request target is not a path or an absolute URI.");
		}
		int query = lower.indexOf('?');
		String path = (query >= 0) ? lower.substring(0, query) : lower;
		if (path.contains("%00")) {
			return refuse(HttpResponseStatus.BAD_REQUEST, "The path has an encoded NUL.");
		}
		return null;
	}

	/** RFC 3986's unreserved and reserved characters ({@code %} is checked on its own). */
	private static boolean isUriCharacter(char c) {
		return isAlphanumeric(c) || "-._~:/?#[]@!$&'()*+,;=".indexOf(c) >= 0;
	}

	/** RFC 9110's token: a method name, a transfer coding. */
	private static boolean isToken(String value) {
		if (value.isEmpty()) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!isAlphanumeric(c) && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
				return false;
			}
		}
		return true;
	}

	/** RFC 9110's Host: a registered name or IPv4 address, or a bracketed IPv6 literal, and a port. */
	private static boolean isHost(String value) {
		String host = value;
		int portStart = -1;
		if (value.startsWith("[")) {
			int end = value.indexOf(']');
			if (end < 2 || !value.substring(1, end).chars().allMatch((c) -> isHex((char) c) || c == ':' || c == '.')) {
				return false;
			}
			if (end + 1 < value.length()) {
				if (value.charAt(end + 1) != ':') {
					return false;
				}
				portStart = end + 2;
			}
			host = "ipv6";
		}
		else {
			int colon = value.lastIndexOf(':');
			if (colon >= 0) {
				host = value.substring(0, colon);
				portStart = colon + 1;
			}
		}
		if (portStart >= 0) {
			String port = value.substring(portStart);
			if (port.length() > 5 || !port.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				return false;
			}
		}
		return !host.isEmpty() && host.chars().allMatch((c) -> isAlphanumeric((char) c) || "-._~%!$&'()*+,;=".indexOf(c) >= 0);
	}

	private static boolean isAlphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

	private static RequestRefusedException refuse(HttpResponseStatus status, String detail) {
		return new RequestRefusedException(status, detail);
	}

}
