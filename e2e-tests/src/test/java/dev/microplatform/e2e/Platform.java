package dev.microplatform.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where the running platform is, and the few calls the end-to-end tests make on it. The platform
 * is the one {@code ./platform test} started: real Consul, Zipkin, Prometheus and our services.
 */
final class Platform {

	static final URI CONSUL = URI.create("http://127.0.0.1:8500");

	static final URI GATEWAY = URI.create("http://127.0.0.1:8080");

	/** The gateway's own actuator endpoints: a port of their own, never the one consumers reach. */
	static final URI GATEWAY_MANAGEMENT = URI.create("http://127.0.0.1:8079");

	/** The first greeter instance, called directly where a test reads that instance's own metrics. */
	static final URI GREETER_1 = URI.create("http://127.0.0.1:8081");

	/** The two salutation-service instances the launcher starts. */
	static final List<URI> SALUTATIONS = List.of(URI.create("http://127.0.0.1:8091"),
			URI.create("http://127.0.0.1:8092"));

	static final URI PROMETHEUS = URI.create("http://127.0.0.1:9090");

	static final URI ZIPKIN = URI.create("http://127.0.0.1:9411");

	/** Alertmanager, where Prometheus sends the platform's alerts. */
	static final URI ALERTMANAGER = URI.create("http://127.0.0.1:9093");

	static final URI CONFIG_SERVICE = URI.create("http://127.0.0.1:8888");

	static final Path ROOT = Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();

	/**
	 * The API key of config-repo's demo consumer {@code partner}: every route, a high rate limit. The
	 * tests call through the gateway as this consumer unless they test consumers themselves.
	 */
	static final Map<String, String> PARTNER = Map.of("X-API-Key", "partner-key-3c6ef372fe94f82b");

	/**
	 * The client every test calls with. HTTP/1.1, as the platform speaks: no h2c upgrade attempt on
	 * every new connection.
	 */
	static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private Platform() {
	}

	static HttpResponse<String> get(URI base, String pathAndQuery, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10));
		headers.forEach(request::header);
		try {
			return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw TimeoutDiagnostics.failure(ex, base.resolve(pathAndQuery));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A secret the launcher generated for this machine (.platform/secrets). */
	static String secret(String name) {
		try {
			return Files.readString(ROOT.resolve(".platform/secrets").resolve(name)).trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The {@code Authorization} header of HTTP Basic for an account. */
	static Map<String, String> basicAuth(String username, String password) {
		return Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
	}

	/** config-service's client account: what every service fetches its configuration with. */
	static Map<String, String> configClient() {
		return basicAuth("config-client", secret("config-client-password"));
	}

	/** config-service's admin account: the console, /encrypt and the actuator. */
	static Map<String, String> configAdmin() {
		return basicAuth("config-admin", secret("config-admin-password"));
	}

	/**
	 * Consul's management token: the tests read and change Consul as its operator does. (Consul
	 * denies whatever comes without a token.)
	 */
	static Map<String, String> consulOperator() {
		return Map.of("X-Consul-Token", secret("consul-management-token"));
	}

	/** A GET on Consul's HTTP API as its operator. */
	static HttpResponse<String> consul(String pathAndQuery) {
		return get(CONSUL, pathAndQuery, consulOperator());
	}

	/** Alertmanager's account: its API and UI answer no one else. */
	static Map<String, String> alertmanagerAccount() {
		return basicAuth("platform", secret("alertmanager-password"));
	}

	static HttpResponse<String> get(URI base, String pathAndQuery) {
		return get(base, pathAndQuery, Map.of());
	}

	/** A greeting through the gateway, as the {@link #PARTNER} consumer. */
	static HttpResponse<String> greet(String name) {
		return get(GATEWAY, "/api/greeter/greetings?name=" + name, PARTNER);
	}

	/** Every instance of a service that Consul knows, with the status of each of its checks. */
	static List<Map<String, Object>> consulInstances(String service) {
		return JsonPath.read(consul("/v1/health/service/" + service).body(), "$");
	}

	/** Ports of the instances of a service whose every check passes. */
	static List<Integer> passingPorts(String service) {
		return JsonPath.read(consul("/v1/health/service/" + service + "?passing=true").body(),
				"$[*].Service.Port");
	}

	/** Ids of the instances of a service whose every check passes. */
	static List<String> passingIds(String service) {
		return JsonPath.read(consul("/v1/health/service/" + service + "?passing=true").body(),
				"$[*].Service.ID");
	}

	static HttpResponse<String> send(HttpRequest request) {
		try {
			return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw TimeoutDiagnostics.failure(ex, request.uri());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The sum of a metric's samples in an instance's Prometheus scrape, over the samples carrying
	 * every given label (0 when there is none).
	 */
	static double metric(URI instance, String name, Map<String, String> labels) {
		// Only that metric: the whole scrape of a busy instance can take longer than a test's
		// deadline. The filter matches a metric's family name, which a sample name may extend.
		String family = name.replaceFirst("_(total|count|sum|bucket|max|created)$", "");
		String scrape = get(instance, "/actuator/prometheus?includedNames=" + family + "," + name).body();
		double sum = 0;
		for (String line : scrape.split("\n")) {
			if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
				continue;
			}
			boolean matches = labels.entrySet()
				.stream()
				.allMatch((label) -> line.contains(label.getKey() + "=\"" + label.getValue() + "\""));
			if (matches) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return sum;
	}

	/** Makes a salutation-service instance delay its answers, or answer with an error status. */
	static void injectFault(URI salutation, long delayMillis, int status) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(salutation.resolve("/actuator/faults"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"delayMillis\": " + delayMillis + ", \"status\": " + status + "}"))
			.build());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Could not inject a fault: " + response.statusCode() + " " + response.body());
		}
	}

	/** Clears the faults of every salutation-service instance the launcher started. */
	static void clearFaults() {
		for (URI salutation : SALUTATIONS) {
			send(HttpRequest.newBuilder(salutation.resolve("/actuator/faults")).DELETE().build());
		}
	}

	/**
	 * Sends bytes to the gateway that the JDK client refuses to send (malformed or ambiguous
	 * requests), returns the status code of the answer.
	 */
	static int rawStatus(String request) {
		try (Socket socket = new Socket(GATEWAY.getHost(), GATEWAY.getPort())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			String statusLine = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
				.readLine();
			return Integer.parseInt(statusLine.split(" ")[1]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Sends a request exactly as written (no client normalizing its path) and returns the whole
	 * answer, status line, headers and body, once the server closes the connection: the request
	 * should say {@code Connection: close}.
	 */
	static String raw(URI base, String request) {
		try (Socket socket = new Socket(base.getHost(), base.getPort())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** An answer and how long it took, from the last byte of the request to the last of the answer. */
	record TimedResponse(int statusCode, String body, long millis) {
	}

	/**
	 * A GET timed as a service answers it, from the last byte of the request to the last of the
	 * answer. The client is a plain socket, connected before the clock starts: it counts
	 * {@code connected} down, then sends once {@code go} opens, so callers sending at once measure
	 * their requests, not the JDK client warming up or the service accepting their connections one
	 * by one. HTTP/1.0, so the answer is neither chunked nor kept alive: it ends when the service
	 * closes.
	 */
	static TimedResponse timedGet(URI base, String pathAndQuery, Map<String, String> headers,
			CountDownLatch connected, CountDownLatch go) {
		StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.0\r\n")
			.append("Host: " + base.getHost() + ":" + base.getPort() + "\r\n");
		headers.forEach((name, value) -> request.append(name + ": " + value + "\r\n"));
		byte[] bytes = request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
		try (Socket socket = new Socket(base.getHost(), base.getPort())) {
			socket.setSoTimeout(30_000);
			socket.setTcpNoDelay(true);
			connected.countDown();
			go.await();
			long start = System.nanoTime();
			socket.getOutputStream().write(bytes);
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			int status = Integer.parseInt(answer.substring(0, answer.indexOf("\r\n")).split(" ")[1]);
			return new TimedResponse(status, answer.substring(answer.indexOf("\r\n\r\n") + 4), millis);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Waits, a minute at most, until the machine has CPU to spare: half of it idle over a second. Right
	 * after start-up every JVM of the platform compiles its hot code, and a latency measured then is
	 * the JIT compilers'; tests that assert timings start from a machine at rest.
	 */
	static void awaitQuietMachine() {
		long[] previous = { 0, 0 };
		await("half of the CPU idle over a second")
			.atMost(Duration.ofSeconds(60))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> {
				long[] now = cpuTimes();
				double idle = (double) (now[1] - previous[1]) / Math.max(1, now[0] - previous[0]);
				boolean quiet = previous[0] != 0 && idle >= 0.5;
				previous[0] = now[0];
				previous[1] = now[1];
				return quiet;
			});
	}

	/** Total and idle (with I/O wait) CPU time of the machine so far, from {@code /proc/stat}. */
	private static long[] cpuTimes() throws IOException {
		String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
		long total = 0;
		for (int i = 1; i < fields.length; i++) {
			total += Long.parseLong(fields[i]);
		}
		return new long[] { total, Long.parseLong(fields[4]) + Long.parseLong(fields[5]) };
	}

	/** Port of a free local socket. */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Starts one more instance of a service, as the launcher would, on the given port; its output
	 * goes to {@code target/<module>-<port>.log}. The caller stops it.
	 */
	static Process startInstance(String module, int port, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(Arrays.asList(System.getProperty("platform.java-opts", "").trim().split("\\s+")));
		command.addAll(List.of("-jar", jar(module).toString(), "--server.port=" + port));
		command.addAll(Arrays.asList(arguments));
		command.removeIf(String::isEmpty);
		Path log = instanceLog(module, port);
		try {
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().put("SPRING_CLOUD_CONSUL_DISCOVERY_HOSTNAME", "127.0.0.1");
			builder.environment().put("PLATFORM_CONFIG_CLIENT_PASSWORD", secret("config-client-password"));
			builder.environment().put("PLATFORM_RABBITMQ_PASSWORD", secret("rabbitmq-password"));
			builder.environment().put("PLATFORM_CONSUL_TOKEN", secret("consul-services-token"));
			return builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Where {@link #startInstance} writes the output of the instance of a module on a port. */
	static Path instanceLog(String module, int port) {
		return Path.of("target", module + "-" + port + ".log");
	}

	/** Stops a process this test run started: SIGTERM, then SIGKILL if it does not exit. */
	static void stop(Process process) throws InterruptedException {
		if (process != null && process.isAlive()) {
			process.destroy();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	/** What a run of the launcher printed (output and errors) and how it exited. */
	record LauncherRun(int exitValue, String output) {
	}

	/** Runs {@code ./platform} with these arguments in the platform's root, to its end (at most 5 minutes). */
	static LauncherRun launcher(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(ROOT.resolve("platform").toString());
		command.addAll(Arrays.asList(arguments));
		Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("./platform %s ended", String.join(" ", arguments)).isTrue();
		return new LauncherRun(process.exitValue(), output);
	}

	/** The pid the launcher recorded for one of the platform's components. */
	static long pidOf(String component) throws IOException {
		return Long.parseLong(Files.readString(ROOT.resolve(".platform/" + component + ".pid")).trim());
	}

	/** Id under which the instance of a service on a port is registered in Consul. */
	static String instanceIdOn(String service, int port) {
		List<String> ids = JsonPath.read(consul("/v1/health/service/" + service).body(),
				"$[?(@.Service.Port == " + port + ")].Service.ID");
		if (ids.size() != 1) {
			throw new IllegalStateException(ids.size() + " instances of " + service + " on port " + port);
		}
		return ids.get(0);
	}

	/**
	 * Removes from Consul, as its operator, every instance of a service on a port: one a test killed,
	 * which cannot deregister itself, so that it does not stay listed (critical) for the tests after.
	 */
	static void deregister(String service, int port) {
		List<String> ids = JsonPath.read(consul("/v1/health/service/" + service).body(),
				"$[?(@.Service.Port == " + port + ")].Service.ID");
		for (String id : ids) {
			HttpResponse<String> response = send(HttpRequest.newBuilder(CONSUL.resolve("/v1/agent/service/deregister/" + id))
				.header("X-Consul-Token", secret("consul-management-token"))
				.PUT(HttpRequest.BodyPublishers.noBody())
				.build());
			assertThat(response.statusCode()).as("Consul deregisters " + id + ": " + response.body()).isEqualTo(200);
		}
	}

	static Path jar(String module) {
		return ROOT.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
	}

	/** Waits until every passing greeter serves the message; returns how long that took. */
	static Duration awaitEveryGreeterSays(String message, Duration atMost) {
		long start = System.nanoTime();
		await().atMost(atMost).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			List<Integer> ports = passingPorts("greeter-service");
			assertThat(ports).isNotEmpty();
			for (int port : ports) {
				HttpResponse<String> response = get(URI.create("http://127.0.0.1:" + port), "/greetings?name=Config");
				assertThat((String) JsonPath.read(response.body(), "$.message")).as("greeter on %d", port)
					.isEqualTo(message);
			}
		});
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
