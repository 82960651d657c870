package dev.microplatform.e2e;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import net.minidev.json.JSONValue;

/**
 * The config console's JSON API as its page calls it: as config-admin over HTTP Basic, writes with
 * the CSRF token config-service leaves in the {@code XSRF-TOKEN} cookie.
 */
final class ConsoleApi {

	static final URI CONSOLE = Platform.CONFIG_SERVICE.resolve("/console/");

	private final CookieManager cookies = new CookieManager();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.cookieHandler(this.cookies)
		.build();

	private final Map<String, String> credentials;

	ConsoleApi(Map<String, String> credentials) {
		this.credentials = credentials;
	}

	static ConsoleApi asAdmin() {
		return new ConsoleApi(Platform.configAdmin());
	}

	HttpResponse<String> get(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(CONSOLE.resolve("api/" + path)).timeout(Duration.ofSeconds(10));
		this.credentials.forEach(request::header);
		return send(request.build());
	}

	/** A POST with the CSRF token (fetched first if this client has none yet). */
	HttpResponse<String> post(String path, String json) {
		return post(path, json, true);
	}

	HttpResponse<String> post(String path, String json, boolean withCsrfToken) {
		HttpRequest.Builder request = HttpRequest.newBuilder(CONSOLE.resolve("api/" + path))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		this.credentials.forEach(request::header);
		if (withCsrfToken) {
			request.header("X-XSRF-TOKEN", csrfToken());
		}
		return send(request.build());
	}

	private String csrfToken() {
		if (token() == null) {
			get("files");
		}
		String token = token();
		if (token == null) {
			throw new IllegalStateException("config-service set no XSRF-TOKEN cookie");
		}
		return token;
	}

	private String token() {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
			.map(HttpCookie::getValue)
			.findFirst()
			.orElse(null);
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String edit(String file, String key, String value, String message) {
		Map<String, String> edit = new LinkedHashMap<>();
		edit.put("file", file);
		edit.put("key", key);
		edit.put("value", value);
		edit.put("message", message);
		return JSONValue.toJSONString(edit);
	}

}
