package dev.microplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;

/**
 * Where the running platform is, and the few calls the end-to-end tests make on it. The platform
 * is the one {@code ./platform test} started: real Consul, Zipkin, Prometheus and our services.
 */
final class Platform {

	static final URI CONSUL = URI.create("http://127.0.0.1:8500");

	static final URI GATEWAY = URI.create("http://127.0.0.1:8080");

	static final URI PROMETHEUS = URI.create("http://127.0.0.1:9090");

	static final URI ZIPKIN = URI.create("http://127.0.0.1:9411");

	static final Path ROOT = Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private Platform() {
	}

	static HttpResponse<String> get(URI base, String pathAndQuery, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10));
		headers.forEach(request::header);
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static HttpResponse<String> get(URI base, String pathAndQuery) {
		return get(base, pathAndQuery, Map.of());
	}

	/** A greeting through the gateway. */
	static HttpResponse<String> greet(String name) {
		return get(GATEWAY, "/api/greeter/greetings?name=" + name);
	}

	/** Every instance of a service that Consul knows, with the status of each of its checks. */
	static List<Map<String, Object>> consulInstances(String service) {
		return JsonPath.read(get(CONSUL, "/v1/health/service/" + service).body(), "$");
	}

	/** Ports of the instances of a service whose every check passes. */
	static List<Integer> passingPorts(String service) {
		return JsonPath.read(get(CONSUL, "/v1/health/service/" + service + "?passing=true").body(),
				"$[*].Service.Port");
	}

	/** Ids of the instances of a service whose every check passes. */
	static List<String> passingIds(String service) {
		return JsonPath.read(get(CONSUL, "/v1/health/service/" + service + "?passing=true").body(),
				"$[*].Service.ID");
	}

	static Path jar(String module) {
		return ROOT.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
	}

}
