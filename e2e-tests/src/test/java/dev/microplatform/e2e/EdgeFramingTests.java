package dev.microplatform.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.microplatform.e2e.EchoBackend.Received;
import dev.microplatform.e2e.RawHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's promises about request framing (RFC 9112), proved with raw sockets against the real
 * gateway and a backend that records what reaches it: an ambiguous or malformed request is refused
 * with a problem and its connection closed, and nothing of it (nor anything smuggled behind it)
 * reaches a backend; bodies are bounded by what they really send; slow clients are cut off at their
 * bounds while others are served; pipelined requests are answered in order.
 */
class EdgeFramingTests {

	private static final String KEY = "X-API-Key: " + Platform.PARTNER.get("X-API-Key") + "\r\n";

	private static final String ECHO = "/api/" + EchoBackend.SERVICE;

	private static final int MAX_BODY = 5 * 1024 * 1024;

	@RegisterExtension
	static final RoutedEchoBackend backend = new RoutedEchoBackend();

	static Stream<Arguments> ambiguousTransferEncodings() {
		String post = "POST " + ECHO + "/front HTTP/1.1\r\nHost: localhost\r\n" + KEY;
		String smuggled = "GET " + ECHO + "/smuggled HTTP/1.1\r\nHost: localhost\r\n" + KEY + "\r\n";
		return Stream.of(
				Arguments.of("an unknown coding, a request behind it", post + "Transfer-Encoding: identity\r\n\r\n" + smuggled, 400),
				Arguments.of("an unknown coding with a length", post + "Transfer-Encoding: identity\r\nContent-Length: "
						+ smuggled.length() + "\r\n\r\n" + smuggled, 400),
				Arguments.of("a list ending in another coding", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
						+ smuggled, 400),
				Arguments.of("a coding named like chunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + smuggled, 400),
				Arguments.of("an obs-folded coding", post + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + smuggled, 400),
				Arguments.of("chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
						+ smuggled, 400),
				Arguments.of("a coding before chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + smuggled, 501),
				Arguments.of("chunked in HTTP/1.0", "POST " + ECHO + "/front HTTP/1.0\r\nHost: localhost\r\n" + KEY
						+ "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 400),
				Arguments.of("a malformed chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
						+ smuggled, 400));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("ambiguousTransferEncodings")
	void anAmbiguousTransferEncodingIsRefusedAndSmugglesNothing(String attack, String request, int status) {
		List<Answer> answers = exchange(request);
		assertThat(answers).as(attack).hasSize(1);
		assertProblem(answers.get(0), status);
		sendMarker();
		// A malformed chunk shows only once the head has been forwarded: the backend's request is
		// then aborted, never complete
		assertThat(backend.received()).filteredOn(Received::complete).extracting(Received::target).containsExactly("/marker");
		assertThat(backend.received()).extracting(Received::target).doesNotContain("/smuggled");
	}

	static Stream<Arguments> malformedRequestHeads() {
		String tail = KEY + "Connection: close\r\n\r\n";
		return Stream.of(
				Arguments.of("two different Host headers", "GET " + ECHO + "/a HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n" + tail),
				Arguments.of("HTTP/1.1 without Host", "GET " + ECHO + "/a HTTP/1.1\r\n" + tail),
				Arguments.of("a Host that is no host", "GET " + ECHO + "/a HTTP/1.1\r\nHost: evil/path\r\n" + tail),
				Arguments.of("a fragment in the request line", "GET " + ECHO + "/a#admin HTTP/1.1\r\nHost: localhost\r\n" + tail),
				Arguments.of("HTTP/0.9", "GET " + ECHO + "/a\r\n\r\n"),
				Arguments.of("HTTP/9.9", "GET " + ECHO + "/a HTTP/9.9\r\nHost: localhost\r\n" + tail),
				Arguments.of("an encoded NUL in the path", "GET " + ECHO + "/a%00.json HTTP/1.1\r\nHost: localhost\r\n" + tail),
				Arguments.of("a raw byte in the query", "GET " + ECHO + "/a?q=\u00ff HTTP/1.1\r\nHost: localhost\r\n" + tail),
				Arguments.of("a malformed escape in the query", "GET " + ECHO + "/a?q=%zz HTTP/1.1\r\nHost: localhost\r\n" + tail),
				Arguments.of("a malformed escape in the path", "GET " + ECHO + "/%zz HTTP/1.1\r\nHost: localhost\r\n" + tail),
				Arguments.of("a method that is no token", "G{T " + ECHO + "/a HTTP/1.1\r\nHost: localhost\r\n" + tail));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("malformedRequestHeads")
	void aMalformedRequestHeadGets400AsAProblemBeforeRouting(String attack, String request) {
		List<Answer> answers = exchange(request);
		assertThat(answers).as(attack).hasSize(1);
		assertProblem(answers.get(0), 400);
		assertOnlyMarkerReachedTheBackend();
	}

	@Test
	void oversizedRequestLinesAndHeadersAreProblemsToo() {
		List<Answer> longLine = exchange("GET " + ECHO + "/a?q=" + "a".repeat(5 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n"
				+ KEY + "\r\n");
		assertProblem(longLine.get(0), 414);
		List<Answer> bigHeaders = exchange("GET " + ECHO + "/a HTTP/1.1\r\nHost: localhost\r\n" + KEY + "X-Padding: "
				+ "a".repeat(9 * 1024) + "\r\n\r\n");
		assertProblem(bigHeaders.get(0), 431);
		assertOnlyMarkerReachedTheBackend();
	}

	@Test
	void aChunkedBodyOverTheLimitGets413AndTheBackendNoMoreThanTheLimit() {
		try (RawHttp connection = RawHttp.connect(Platform.GATEWAY)) {
			connection.send("POST " + ECHO + "/upload HTTP/1.1\r\nHost: localhost\r\n" + KEY
					+ "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
			byte[] chunk = chunk(64 * 1024);
			// 6 MB, sent while the answer is read: the gateway stops reading at 5 MB
			CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
				for (int sent = 0; sent < 6 * 1024 * 1024 && connection.send(chunk); sent += 64 * 1024) {
					// next chunk
				}
			});
			List<Answer> answers = connection.answersUntilClosed(Duration.ofSeconds(30));
			sending.join();
			assertThat(answers).hasSize(1);
			assertProblem(answers.get(0), 413);
		}
		// The backend takes one request at a time: once the marker is answered, the upload is done with
		sendMarker();
		for (Received received : backend.received()) {
			if (received.target().equals("/marker")) {
				continue;
			}
			assertThat(received.bodyBytes()).as("body bytes that reached the backend").isLessThanOrEqualTo(MAX_BODY);
			assertThat(received.complete()).as("the backend took the cut body for a whole one").isFalse();
		}
	}

	@Test
	void expectContinueWithALengthOverTheLimitGets413WithoutAContinue() {
		List<Answer> answers = exchange("POST " + ECHO + "/upload HTTP/1.1\r\nHost: localhost\r\n" + KEY
				+ "Content-Type: application/octet-stream\r\nContent-Length: " + (6 * 1024 * 1024)
				+ "\r\nExpect: 100-continue\r\n\r\n");
		assertThat(answers).extracting(Answer::status).containsExactly(413);
		assertProblem(answers.get(0), 413);
		assertOnlyMarkerReachedTheBackend();
	}

	@Test
	void pipelinedRequestsAreAnsweredInOrderUpToConnectionClose() {
		StringBuilder requests = new StringBuilder();
		for (int i = 1; i <= 4; i++) {
			requests.append("GET " + ECHO + "/p" + i + " HTTP/1.1\r\nHost: localhost\r\n" + KEY)
				.append((i == 3) ? "Connection: close\r\n\r\n" : "\r\n");
		}
		List<Answer> answers = exchange(requests.toString());
		assertThat(answers).extracting(Answer::status).containsExactly(200, 200, 200);
		for (int i = 0; i < 3; i++) {
			assertThat(answers.get(i).body()).contains("\"target\":\"/p" + (i + 1) + "\"");
		}
		assertThat(answers.get(2).headers().get("connection")).isEqualToIgnoringCase("close");
		assertThat(backend.received()).extracting(Received::target).containsExactly("/p1", "/p2", "/p3");
	}

	@Test
	void aRefusedPipelinedRequestIsAnsweredInItsTurnAndNothingAfterItIsRead() {
		String request = "GET " + ECHO + "/p1 HTTP/1.1\r\nHost: localhost\r\n" + KEY + "\r\n" + "GET " + ECHO
				+ "/p2#fragment HTTP/1.1\r\nHost: localhost\r\n" + KEY + "\r\n" + "GET " + ECHO
				+ "/p3 HTTP/1.1\r\nHost: localhost\r\n" + KEY + "\r\n";
		List<Answer> answers = exchange(request);
		assertThat(answers).extracting(Answer::status).containsExactly(200, 400);
		assertProblem(answers.get(1), 400);
		assertThat(backend.received()).extracting(Received::target).containsExactly("/p1");
	}

	@Test
	void slowHeadsSlowBodiesAndIdleConnectionsAreCutAtTheirBoundsWhileOthersAreServed() {
		ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
		try (RawHttp slowHead = RawHttp.connect(Platform.GATEWAY);
				RawHttp slowBody = RawHttp.connect(Platform.GATEWAY);
				RawHttp idle = RawHttp.connect(Platform.GATEWAY)) {
			// Slowloris: a header line a second, never the end of the head
			slowHead.send("GET " + ECHO + "/slow-head HTTP/1.1\r\n");
			trickle.scheduleAtFixedRate(() -> slowHead.send("X-Slow: a\r\n"), 1, 1, TimeUnit.SECONDS);
			// A body of 1000 bytes, one byte a second
			slowBody.send("POST " + ECHO + "/slow-body HTTP/1.1\r\nHost: localhost\r\n" + KEY
					+ "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n");
			trickle.scheduleAtFixedRate(() -> slowBody.send("a"), 1, 1, TimeUnit.SECONDS);
			CompletableFuture<List<Answer>> head = CompletableFuture
				.supplyAsync(() -> slowHead.answersUntilClosed(Duration.ofSeconds(25)));
			CompletableFuture<List<Answer>> body = CompletableFuture
				.supplyAsync(() -> slowBody.answersUntilClosed(Duration.ofSeconds(50)));
			CompletableFuture<List<Answer>> nothing = CompletableFuture
				.supplyAsync(() -> idle.answersUntilClosed(Duration.ofSeconds(80)));
			await("the idle connection closed, others served meanwhile").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.untilAsserted(() -> {
					assertThat(Platform.get(Platform.GATEWAY, ECHO + "/served", Platform.PARTNER).statusCode())
						.as("a normal request meanwhile").isEqualTo(200);
					assertThat(nothing).isDone();
				});
			assertThat(head.join()).singleElement().satisfies((answer) -> assertProblem(answer, 408));
			assertThat(slowHead.openFor()).as("slow head's connection").isBetween(Duration.ofSeconds(9), Duration.ofSeconds(15));
			assertThat(body.join()).singleElement().satisfies((answer) -> assertProblem(answer, 408));
			assertThat(slowBody.openFor()).as("slow body's connection").isBetween(Duration.ofSeconds(29), Duration.ofSeconds(37));
			assertThat(nothing.join()).as("answers on the idle connection").isEmpty();
			assertThat(idle.openFor()).as("idle connection").isBetween(Duration.ofSeconds(59), Duration.ofSeconds(70));
		}
		finally {
			trickle.shutdownNow();
		}
		assertThat(backend.received()).extracting(Received::target).doesNotContain("/slow-head");
		assertThat(backend.received()).filteredOn((received) -> received.target().equals("/slow-body"))
			.allSatisfy((received) -> assertThat(received.complete()).isFalse());
	}

	/** Sends bytes on a new connection, returns every answer until the gateway closed it. */
	private static List<Answer> exchange(String request) {
		try (RawHttp connection = RawHttp.connect(Platform.GATEWAY)) {
			connection.send(request);
			return connection.answersUntilClosed(Duration.ofSeconds(20));
		}
	}

	private static void assertProblem(Answer answer, int status) {
		assertThat(answer.status()).as("status of " + answer).isEqualTo(status);
		assertThat(answer.contentType()).startsWith("application/problem+json");
		assertThat(answer.body()).contains("\"type\":\"urn:problem-type:platform:").contains("\"status\":" + status);
	}

	/** After the attack, only a well-formed request sent after it has reached the backend. */
	private static void assertOnlyMarkerReachedTheBackend() {
		sendMarker();
		assertThat(backend.received()).extracting(Received::target).containsExactly("/marker");
	}

	/**
	 * A well-formed request through the gateway. The backend records a request before it answers and
	 * takes one at a time: once this one is answered, whatever reached it before has been recorded.
	 */
	private static void sendMarker() {
		assertThat(Platform.get(Platform.GATEWAY, ECHO + "/marker", Platform.PARTNER).statusCode()).isEqualTo(200);
	}

	private static byte[] chunk(int size) {
		byte[] head = (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		byte[] chunk = new byte[head.length + size + 2];
		System.arraycopy(head, 0, chunk, 0, head.length);
		Arrays.fill(chunk, head.length, head.length + size, (byte) 'x');
		chunk[chunk.length - 2] = '\r';
		chunk[chunk.length - 1] = '\n';
		return chunk;
	}

}
