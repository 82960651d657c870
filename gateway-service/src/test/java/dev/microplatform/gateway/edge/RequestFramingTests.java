package dev.microplatform.gateway.edge;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RequestFraming}'s verdict on request heads as Netty decodes them. */
class RequestFramingTests {

	private final RequestFraming framing = new RequestFraming(1000);

	@Test
	void aPlainRequestGoesOn() {
		assertThat(this.framing.check(request("/api/greeter/greetings?name=Ada%20Lovelace&x=a+b"))).isNull();
		assertThat(this.framing.check(request(HttpVersion.HTTP_1_0, HttpMethod.GET, "/a", null))).isNull();
		assertThat(this.framing.check(request(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "*", "localhost"))).isNull();
		assertThat(this.framing.check(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://localhost/a", "localhost"))).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "localhost:8080", "127.0.0.1:80", "[::1]:8080", "[::1]", "api.example.com" })
	void validHostsGoOn(String host) {
		assertThat(this.framing.check(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a", host))).as(host).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "a b", "evil/path", "user@host", "host:80a", "[::1", "[::1]x", ":80", "host:123456" })
	void invalidHostsGet400(String host) {
		assertRefused(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a", host), HttpResponseStatus.BAD_REQUEST);
	}

	@Test
	void http11NeedsExactlyOneHost() {
		assertRefused(request(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a", null), HttpResponseStatus.BAD_REQUEST);
		HttpRequest twoHosts = request("/a");
		twoHosts.headers().add("Host", "other");
		assertRefused(twoHosts, HttpResponseStatus.BAD_REQUEST);
	}

	@Test
	void onlyHttp10And11AreServed() {
		assertRefused(request(HttpVersion.valueOf("HTTP/9.9"), HttpMethod.GET, "/a", "localhost"),
				HttpResponseStatus.BAD_REQUEST);
		assertRefused(request(HttpVersion.valueOf("HTTP/1.2"), HttpMethod.GET, "/a", "localhost"),
				HttpResponseStatus.BAD_REQUEST);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/a#frag", "/a%00b", "/a%zz", "/a%4", "/a?q=%g1", "/a?q=\u00ff", "/a\"b", "/a<b>",
			"/a{b}", "/a|b", "a/b", "*" })
	void malformedTargetsGet400(String target) {
		assertRefused(request(target), HttpResponseStatus.BAD_REQUEST);
	}

	@Test
	void aPathStartingWithTwoSlashesIsAPath() {
		// Origin form: what follows the first slash is a path, not an authority; the path filter judges it
		assertThat(this.framing.check(request("//evil.example@x"))).isNull();
	}

	@Test
	void anEncodedNulInTheQueryIsTheBackendsToJudge() {
		assertThat(this.framing.check(request("/a?q=%00"))).isNull();
	}

	@Test
	void transferEncodingMustBeExactlyChunked() {
		assertThat(this.framing.check(withTransferEncoding("chunked"))).isNull();
		assertThat(this.framing.check(withTransferEncoding("Chunked"))).isNull();
		assertRefused(withTransferEncoding("identity"), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding("chunked, identity"), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding("xchunked"), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding("chunked, chunked"), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding(" chunked"), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding("chunked identity"), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding(""), HttpResponseStatus.BAD_REQUEST);
		assertRefused(withTransferEncoding("gzip, chunked"), HttpResponseStatus.NOT_IMPLEMENTED);
		HttpRequest twice = withTransferEncoding("chunked");
		twice.headers().add("Transfer-Encoding", "chunked");
		assertRefused(twice, HttpResponseStatus.BAD_REQUEST);
		HttpRequest withLength = withTransferEncoding("chunked");
		withLength.headers().set("Content-Length", "3");
		assertRefused(withLength, HttpResponseStatus.BAD_REQUEST);
		HttpRequest http10 = request(HttpVersion.HTTP_1_0, HttpMethod.POST, "/a", "localhost");
		http10.headers().set("Transfer-Encoding", "chunked");
		assertRefused(http10, HttpResponseStatus.BAD_REQUEST);
	}

	@Test
	void aLengthOverTheLimitGets413WithOrWithoutExpect() {
		HttpRequest atLimit = request(HttpVersion.HTTP_1_1, HttpMethod.POST, "/a", "localhost");
		atLimit.headers().set("Content-Length", "1000").set("Expect", "100-continue");
		assertThat(this.framing.check(atLimit)).isNull();
		HttpRequest over = request(HttpVersion.HTTP_1_1, HttpMethod.POST, "/a", "localhost");
		over.headers().set("Content-Length", "1001").set("Expect", "100-continue");
		assertRefused(over, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
	}

	@Test
	void anExpectationOtherThanContinueGets417() {
		HttpRequest request = request("/a");
		request.headers().set("Expect", "something-else");
		assertRefused(request, HttpResponseStatus.EXPECTATION_FAILED);
	}

	private void assertRefused(HttpRequest request, HttpResponseStatus status) {
		RequestRefusedException refusal = this.framing.check(request);
		assertThat(refusal).as(request.method() + " " + request.uri() + " " + request.headers()).isNotNull();
		assertThat(refusal.status()).isEqualTo(status);
		assertThat(refusal.detail()).isNotBlank();
	}

	private static HttpRequest withTransferEncoding(String value) {
		HttpRequest request = request(HttpVersion.HTTP_1_1, HttpMethod.POST, "/a", "localhost");
		request.headers().set("Transfer-Encoding", value);
		return request;
	}

	private static HttpRequest request(String target) {
		return request(HttpVersion.HTTP_1_1, HttpMethod.GET, target, "localhost");
	}

	private static HttpRequest request(HttpVersion version, HttpMethod method, String target, String host) {
		// As the decoder hands it over: values kept as sent (the decoder validated names and values)
		HttpRequest request = new DefaultHttpRequest(version, method, target,
				DefaultHttpHeadersFactory.headersFactory().withValidation(false));
		if (host != null) {
			request.headers().set("Host", host);
		}
		return request;
	}

}
