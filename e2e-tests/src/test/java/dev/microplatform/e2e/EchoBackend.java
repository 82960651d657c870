package dev.microplatform.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import static org.awaitility.Awaitility.await;

/**
 * A backend service that only records what reaches it: an HTTP server in the test process,
 * registered in the real Consul with an HTTP health check, so the real gateway discovers it and
 * routes {@code /api/echo-backend/**} to it. Tests read what it saw (or that it saw nothing).
 */
final class EchoBackend implements AutoCloseable {

	static final String SERVICE = "echo-backend";

	private final HttpServer server;

	private final String id;

	private final List<Headers> requests = new CopyOnWriteArrayList<>();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private EchoBackend() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.id = SERVICE + "-" + this.server.getAddress().getPort();
		this.server.createContext("/", (exchange) -> {
			String target = exchange.getRequestURI().getRawPath()
					+ ((exchange.getRequestURI().getRawQuery() != null) ? "?" + exchange.getRequestURI().getRawQuery() : "");
			if (!exchange.getRequestURI().getPath().equals("/health")) {
				this.requests.add(exchange.getRequestHeaders());
				long[] bodyBytes = { 0 };
				boolean complete = readBody(exchange.getRequestBody(), bodyBytes);
				this.received.add(new Received(exchange.getRequestMethod(), target, bodyBytes[0], complete));
				if (!complete) {
					exchange.close();
					return;
				}
			}
			byte[] body = ("{\"echo\":true,\"target\":\"" + target + "\"}").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
	}

	/** Starts the backend, registers it in Consul and waits until the gateway routes to it. */
	static EchoBackend startRoutedThroughGateway(Map<String, String> credentials) {
		EchoBackend backend;
		try {
			backend = new EchoBackend();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int port = backend.server.getAddress().getPort();
		consul("/v1/agent/service/register", """
				{"ID": "%s", "Name": "%s", "Address": "127.0.0.1", "Port": %d,
				 "Check": {"HTTP": "http://127.0.0.1:%d/health", "Interval": "1s", "DeregisterCriticalServiceAfter": "1m"}}
				""".formatted(backend.id, SERVICE, port, port));
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> Platform.get(Platform.GATEWAY, "/api/" + SERVICE + "/ready", credentials).statusCode() == 200);
		backend.forget();
		return backend;
	}

	/** What reached the backend of a request: its method, target, how much body, whether all of it. */
	record Received(String method, String target, long bodyBytes, boolean complete) {
	}

	/** Every request that reached the backend since it was routed, oldest first. */
	List<Received> received() {
		return List.copyOf(this.received);
	}

	/** Reads a request's body to its end; {@code false} if the connection broke first. */
	private static boolean readBody(InputStream body, long[] bytes) {
		byte[] buffer = new byte[64 * 1024];
		try (body) {
			for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
				bytes[0] += read;
			}
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Headers of every request that reached the backend since it was routed, oldest first. */
	List<Headers> requests() {
		return List.copyOf(this.requests);
	}

	void forget() {
		this.requests.clear();
		this.received.clear();
	}

	@Override
	public void close() {
		consul("/v1/agent/service/deregister/" + this.id, "");
		this.server.stop(0);
	}

	private static void consul(String path, String body) {
		HttpResponse<String> response = Platform.send(HttpRequest.newBuilder(URI.create(Platform.CONSUL + path))
			.header("X-Consul-Token", Platform.secret("consul-management-token"))
			.PUT(HttpRequest.BodyPublishers.ofString(body))
			.build());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Consul refused " + path + ": " + response.statusCode() + " " + response.body());
		}
	}

}
