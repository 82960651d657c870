package dev.microplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * API consumers at the edge, against the real gateway, Redis, Consul and backends: who may call
 * which route (401, 403), that nothing of a refused request reaches a backend, what is forwarded,
 * per-consumer token buckets in Redis, a Redis outage, and the routes' circuit breakers and timeouts.
 */
class GatewayConsumerTests {

	private static final Map<String, String> DEMO_APP = Map.of("X-API-Key", "demo-app-key-2b7e151628aed2a6");

	private static final Map<String, String> BATCH_IMPORTER = Map.of("X-API-Key", "batch-importer-key-a54ff53a5f1d36f1");

	private static final String ECHO = "/api/" + EchoBackend.SERVICE + "/things";

	private static final String SALUTATION_ROUTE = "/api/salutation/salutations?lang=fr";

	@RegisterExtension
	static final RoutedEchoBackend backend = new RoutedEchoBackend();

	static Stream<Arguments> badCredentials() {
		Instant now = Instant.now();
		return Stream.of(Arguments.of("no credentials", Map.of()),
				Arguments.of("an unknown API key", Map.of("X-API-Key", "partner-key-guessed")),
				Arguments.of("an expired JWT", bearer(token("partner", now.minus(Duration.ofMinutes(5)), platformKey()))),
				Arguments.of("a JWT signed with another key", bearer(token("partner", now.plusSeconds(300), otherKey()))),
				Arguments.of("a JWT naming no consumer", bearer(token("mallory", now.plusSeconds(300), platformKey()))),
				Arguments.of("a JWT without expiry", bearer(token("partner", null, platformKey()))),
				Arguments.of("a JWT of another issuer", bearer(sign(claims("partner", now.plusSeconds(300))
					.issuer("https://idp.example/someone-else"), platformKey()))),
				Arguments.of("a JWT without issuer", bearer(sign(claims("partner", now.plusSeconds(300)).issuer(null),
						platformKey()))),
				Arguments.of("a JWT for another audience", bearer(sign(claims("partner", now.plusSeconds(300))
					.audience("another-application"), platformKey()))),
				Arguments.of("a JWT without audience", bearer(sign(claims("partner", now.plusSeconds(300))
					.audience((String) null), platformKey()))),
				Arguments.of("a malformed bearer token", bearer("abc.def.ghi")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badCredentials")
	void missingOrBadCredentialsGet401AndNeverReachTheBackend(String what, Map<String, String> credentials) {
		HttpResponse<String> response = Platform.get(Platform.GATEWAY, ECHO, credentials);
		assertThat(response.statusCode()).as(what).isEqualTo(401);
		assertProblem(response, "unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
		assertThat(backend.requests()).as("requests that reached the backend").isEmpty();
	}

	@Test
	void aJwtOfTheLaunchersIssuerForTheGatewayIsAccepted() throws Exception {
		Instant expiry = Instant.now().plusSeconds(300);
		Map<String, Map<String, String>> accepted = Map.of("signed by the test",
				bearer(token("partner", expiry, platformKey())), "among other audiences",
				bearer(sign(claims("partner", expiry).audience(List.of("another-application", jwtClaim("audience"))),
						platformKey())),
				"./platform token", bearer(launcherToken("partner")));
		accepted.forEach((what, credentials) -> assertThat(Platform.get(Platform.GATEWAY, ECHO, credentials).statusCode())
			.as(what).isEqualTo(200));
		assertThat(backend.requests()).hasSize(3)
			.allSatisfy((headers) -> assertThat(headers.get("X-Caller-Id")).containsExactly("partner"));
	}

	@Test
	void aConsumerOutsideItsAclGets403AndNeverReachesTheBackend() {
		HttpResponse<String> response = Platform.get(Platform.GATEWAY, ECHO, DEMO_APP);
		assertThat(response.statusCode()).isEqualTo(403);
		assertProblem(response, "forbidden");
		assertThat(backend.requests()).isEmpty();
		// The same consumer on a route its ACL lists
		assertThat(Platform.get(Platform.GATEWAY, "/api/greeter/greetings?name=Demo", DEMO_APP).statusCode())
			.isEqualTo(200);
	}

	@Test
	void credentialsStayAtTheGatewayAndTheConsumerIdCannotBeForged() {
		Map<String, String> forging = Map.of("X-API-Key", Platform.PARTNER.get("X-API-Key"), "X-Caller-Id", "admin",
				"X-Forwarded-For", "6.6.6.6");
		assertThat(Platform.get(Platform.GATEWAY, ECHO, forging).statusCode()).isEqualTo(200);
		Map<String, String> jwt = bearer(token("partner", Instant.now().plusSeconds(300), platformKey()));
		assertThat(Platform.get(Platform.GATEWAY, ECHO, jwt).statusCode()).isEqualTo(200);

		List<Headers> seen = backend.requests();
		assertThat(seen).hasSize(2);
		for (Headers headers : seen) {
			assertThat(headers.get("X-Caller-Id")).containsExactly("partner");
			assertThat(headers.containsKey("X-API-Key")).as("API key forwarded").isFalse();
			assertThat(headers.containsKey("Authorization")).as("bearer token forwarded").isFalse();
			// Not from a trusted proxy: the client's X-Forwarded-For is replaced by the gateway's own
			assertThat(String.join(",", headers.getOrDefault("X-Forwarded-For", List.of()))).doesNotContain("6.6.6.6");
		}
	}

	@Test
	void aConsumerGetsExactlyItsBurstAndAnotherConsumerIsUnaffected() {
		// batch-importer: a burst of 20 requests, then one a minute
		redis("DEL", "request_rate_limiter.{consumer:batch-importer}.tokens",
				"request_rate_limiter.{consumer:batch-importer}.timestamp");
		List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 100)
			.mapToObj((i) -> Platform.CLIENT.sendAsync(request("/api/greeter/greetings?name=Batch" + i, BATCH_IMPORTER),
					HttpResponse.BodyHandlers.ofString()))
			.toList();
		List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

		assertThat(responses.stream().filter((r) -> r.statusCode() == 200)).hasSize(20);
		List<HttpResponse<String>> limited = responses.stream().filter((r) -> r.statusCode() == 429).toList();
		assertThat(limited).hasSize(80);
		HttpResponse<String> refused = limited.get(0);
		assertProblem(refused, "rate-limited");
		assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Integer.parseInt(seconds)).isPositive());
		// Less than one request's worth (60 tokens) left, refilled at a token a second
		assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValueSatisfying(
				(tokens) -> assertThat(Integer.parseInt(tokens)).isBetween(0, 59));
		assertThat(refused.headers().firstValue("X-RateLimit-Replenish-Rate")).hasValue("1");
		assertThat(refused.headers().firstValue("X-RateLimit-Burst-Capacity")).hasValue("1200");

		assertThat(Platform.get(Platform.GATEWAY, "/api/greeter/greetings?name=Demo", DEMO_APP).statusCode())
			.as("another consumer").isEqualTo(200);
	}

	@Test
	void withRedisStoppedRequestsAreServedWithoutStallingAndCounted() throws Exception {
		long redisPid = Platform.pidOf("redis");
		Map<String, String> allowed = Map.of("outcome", "allowed");
		String metric = "platform_gateway_rate_limiter_redis_unavailable_total";
		double before = Platform.metric(Platform.GATEWAY_MANAGEMENT, metric, allowed);
		// SIGSTOP: Redis keeps its connections but answers nothing, the worst case for a client
		signal("STOP", redisPid);
		try {
			for (int i = 0; i < 10; i++) {
				long start = System.nanoTime();
				HttpResponse<String> response = Platform.get(Platform.GATEWAY, ECHO, Platform.PARTNER);
				long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
				assertThat(response.statusCode()).isEqualTo(200);
				// spring.data.redis.timeout is 250 ms; the bound leaves room for a busy two-core machine
				assertThat(millis).as("latency with Redis stopped").isLessThan(1500);
			}
		}
		finally {
			signal("CONT", redisPid);
		}
		assertThat(Platform.metric(Platform.GATEWAY_MANAGEMENT, metric, allowed)).isGreaterThanOrEqualTo(before + 10);
		assertThat(backend.requests()).hasSizeGreaterThanOrEqualTo(10);
	}

	@Test
	void aFailingRouteOpensItsCircuitAndThenAnswers503Fast() {
		try {
			for (URI salutation : Platform.SALUTATIONS) {
				Platform.injectFault(salutation, 0, 500);
			}
			await("circuit of the salutation route open").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> Platform.get(Platform.GATEWAY, SALUTATION_ROUTE, Platform.PARTNER).statusCode() == 503);
			for (int i = 0; i < 5; i++) {
				long start = System.nanoTime();
				HttpResponse<String> response = Platform.get(Platform.GATEWAY, SALUTATION_ROUTE, Platform.PARTNER);
				long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
				assertThat(response.statusCode()).isEqualTo(503);
				assertProblem(response, "service-unavailable");
				assertThat(millis).as("answer while open").isLessThan(250);
			}
		}
		finally {
			Platform.clearFaults();
		}
		awaitSalutationRouteServing("circuit closed again");
	}

	@Test
	void aSlowRouteAnswers504AtItsTimeout() {
		try {
			for (URI salutation : Platform.SALUTATIONS) {
				Platform.injectFault(salutation, 3000, 0);
			}
			long start = System.nanoTime();
			HttpResponse<String> response = Platform.get(Platform.GATEWAY, SALUTATION_ROUTE, Platform.PARTNER);
			long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
			assertThat(response.statusCode()).isEqualTo(504);
			assertProblem(response, "gateway-timeout");
			// The route's response-timeout is 1000 ms; the backend would take 3000 ms
			assertThat(millis).isBetween(950L, 2500L);
		}
		finally {
			Platform.clearFaults();
		}
		awaitSalutationRouteServing("route answering again");
	}

	@Test
	void badInputIsRefusedAtTheEdgeAndNeverReachesTheBackend() {
		String base = Platform.GATEWAY + "/api/" + EchoBackend.SERVICE;
		Map<String, Map.Entry<HttpRequest.Builder, Integer>> attacks = new LinkedHashMap<>();
		for (String traversal : List.of("/../actuator/env", "/%2e%2e/actuator/env", "/..%2factuator/env",
				"/..;/actuator/env")) {
			attacks.put("traversal " + traversal, Map.entry(HttpRequest.newBuilder(URI.create(base + traversal)), 400));
		}
		attacks.put("9 KB header", Map.entry(
				HttpRequest.newBuilder(URI.create(base + "/things")).header("X-Padding", "a".repeat(9 * 1024)), 431));
		attacks.put("5 KB URI", Map.entry(HttpRequest.newBuilder(URI.create(base + "/things?q=" + "a".repeat(5 * 1024))),
				414));
		attacks.put("6 MB body", Map.entry(HttpRequest.newBuilder(URI.create(base + "/things"))
			.header("Content-Type", "application/octet-stream")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[6 * 1024 * 1024])), 413));
		attacks.forEach((what, attack) -> {
			HttpRequest.Builder request = attack.getKey();
			Platform.PARTNER.forEach(request::header);
			HttpResponse<String> response = Platform.send(request.timeout(Duration.ofSeconds(20)).build());
			assertThat(response.statusCode()).as(what).isEqualTo(attack.getValue());
		});
		String key = "X-API-Key: " + Platform.PARTNER.get("X-API-Key") + "\r\n";
		assertThat(Platform.rawStatus("GET /api/" + EchoBackend.SERVICE + "/%zz HTTP/1.1\r\nHost: localhost\r\n" + key
				+ "Connection: close\r\n\r\n")).as("malformed escape").isEqualTo(400);
		assertThat(backend.requests()).isEmpty();
	}

	@Test
	void smuggledOrInjectedRequestsAreRefusedBeforeTheBackend() {
		String key = "X-API-Key: " + Platform.PARTNER.get("X-API-Key") + "\r\n";
		String target = "/api/" + EchoBackend.SERVICE + "/things HTTP/1.1\r\nHost: localhost\r\n" + key;
		Map<String, String> attacks = Map.of(
				"bare CR in a header value", "GET " + target + "X-Note: a\rInjected: b\r\nConnection: close\r\n\r\n",
				"bare LF in a header value", "GET " + target + "X-Note: a\nInjected: b\r\nConnection: close\r\n\r\n",
				"duplicate Content-Length", "POST " + target
						+ "Content-Length: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabc",
				"Content-Length with Transfer-Encoding", "POST " + target
						+ "Content-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
		attacks.forEach((what, request) -> assertThat(Platform.rawStatus(request)).as(what).isEqualTo(400));
		assertThat(backend.requests()).isEmpty();
	}

	private static void awaitSalutationRouteServing(String what) {
		await(what).atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> Platform.get(Platform.GATEWAY, SALUTATION_ROUTE, Platform.PARTNER).statusCode() == 200);
	}

	private static void assertProblem(HttpResponse<String> response, String type) {
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat(response.body()).contains("\"type\":\"urn:problem-type:platform:" + type + "\"");
		assertThat(response.headers().firstValue("X-Trace-Id")).as("trace id header").isPresent();
	}

	private static HttpRequest request(String pathAndQuery, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(Platform.GATEWAY.resolve(pathAndQuery))
			.timeout(Duration.ofSeconds(20));
		headers.forEach(request::header);
		return request.build();
	}

	private static Map<String, String> bearer(String token) {
		return Map.of("Authorization", "Bearer " + token);
	}

	/** A JWT for a subject, RS256, expiring at the given time (none if null), as the launcher issues them. */
	private static String token(String subject, Instant expiry, RSAPrivateKey key) {
		return sign(claims(subject, expiry), key);
	}

	/**
	 * The claims of a token the launcher would issue: its issuer, the gateway's audience (both as the
	 * launcher wrote them beside its key, the values it starts the gateway with), the subject, expiring
	 * at the given time (never if null).
	 */
	private static JWTClaimsSet.Builder claims(String subject, Instant expiry) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject)
			.issuer(jwtClaim("issuer"))
			.audience(jwtClaim("audience"))
			.issueTime(new Date());
		if (expiry != null) {
			claims.expirationTime(Date.from(expiry));
		}
		return claims;
	}

	private static String sign(JWTClaimsSet.Builder claims, RSAPrivateKey key) {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
		try {
			jwt.sign(new RSASSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/** The issuer or audience every token must name, as the launcher wrote it in {@code .platform/jwt/}. */
	private static String jwtClaim(String name) {
		try {
			return Files.readString(Platform.ROOT.resolve(".platform/jwt").resolve(name)).trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A token from {@code ./platform token}, as a user gets one. */
	private static String launcherToken(String consumer) throws Exception {
		Platform.LauncherRun run = Platform.launcher("token", consumer);
		assertThat(run.exitValue()).as(run.output()).isZero();
		String[] lines = run.output().strip().split("\n");
		return lines[lines.length - 1].strip();
	}

	/** The launcher's signing key, whose public half the gateway verifies tokens with. */
	private static RSAPrivateKey platformKey() {
		try {
			String pem = Files.readString(Platform.ROOT.resolve(".platform/jwt/private.pem"));
			byte[] der = Base64.getMimeDecoder()
				.decode(pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").trim());
			return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot read the launcher's JWT key", ex);
		}
	}

	private static RSAPrivateKey otherKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return (RSAPrivateKey) generator.generateKeyPair().getPrivate();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A Redis command, with Redis' password (in redis-cli's environment, not its command line). */
	private static void redis(String... command) {
		run(Map.of("REDISCLI_AUTH", Platform.secret("redis-password")),
				Stream.concat(Stream.of("redis-cli", "-p", "6379"), Stream.of(command)).toArray(String[]::new));
	}

	private static void signal(String signal, long pid) {
		run(Map.of(), "kill", "-" + signal, Long.toString(pid));
	}

	private static void run(Map<String, String> environment, String... command) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().putAll(environment);
			Process process = builder.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.waitFor() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
