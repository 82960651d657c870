package dev.microplatform.gateway.edge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@link RequestBodyLimitFilter} passes a body on up to its limit and ends it in an error past it. */
class RequestBodyLimitFilterTests {

	private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(10);

	@Test
	void aBodyUpToTheLimitPassesWhole() {
		assertThat(this.filter.limit(body("abcde", "fghij")).map(RequestBodyLimitFilterTests::text).collectList().block())
			.containsExactly("abcde", "fghij");
	}

	@Test
	void theBufferThatCrossesTheLimitIsNotPassedOnAndTheBodyFails() {
		List<String> passed = new ArrayList<>();
		assertThatExceptionOfType(RequestBodyLimitFilter.BodyTooLargeException.class)
			.isThrownBy(() -> this.filter.limit(body("abcde", "fghij", "k", "lmn"))
				.map(RequestBodyLimitFilterTests::text)
				.doOnNext(passed::add)
				.blockLast())
			.satisfies((tooLarge) -> assertThat(tooLarge.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
		assertThat(passed).containsExactly("abcde", "fghij");
	}

	private static Flux<DataBuffer> body(String... parts) {
		return Flux.fromArray(parts).map((part) -> DefaultDataBufferFactory.sharedInstance.wrap(part.getBytes(StandardCharsets.UTF_8)));
	}

	private static String text(DataBuffer buffer) {
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
