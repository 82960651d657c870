package dev.microplatform.gateway.edge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RequestHeadTimeout} on a channel whose clock the test moves. */
class RequestHeadTimeoutTests {

	private final RequestHeadTimeout timeout = new RequestHeadTimeout(Duration.ofSeconds(10));

	private final EmbeddedChannel channel = new EmbeddedChannel(this.timeout);

	@Test
	void aHeadNotCompleteTenSecondsAfterItsFirstByteIsAnswered408AndTheConnectionClosed() {
		this.channel.writeInbound(bytes("GET / HTTP/1.1\r\n"));
		this.channel.advanceTimeBy(9, TimeUnit.SECONDS);
		this.channel.writeInbound(bytes("X-Slow: a\r\n"));
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isTrue();
		this.channel.advanceTimeBy(1, TimeUnit.SECONDS);
		this.channel.runScheduledPendingTasks();
		ByteBuf answer = this.channel.readOutbound();
		assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408 Request Timeout\r\n")
			.contains("Content-Type: application/problem+json")
			.contains("\"status\":408");
		answer.release();
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void aCompleteHeadStopsTheClockUntilTheNextHeadBegins() {
		this.channel.writeInbound(bytes("GET / HTTP/1.1\r\n"));
		this.timeout.headReceived();
		this.channel.advanceTimeBy(60, TimeUnit.SECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isTrue();
		this.timeout.awaitNextHead();
		// No byte of the next request yet: an idle connection is the idle timeout's
		this.channel.advanceTimeBy(60, TimeUnit.SECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isTrue();
		this.channel.writeInbound(bytes("G"));
		this.channel.advanceTimeBy(10, TimeUnit.SECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void whileAResponseIsWrittenTheConnectionClosesWithoutA408() {
		this.timeout.responseInFlight(() -> true);
		this.channel.writeInbound(bytes("GET / HTTP/1.1\r\n"));
		this.channel.advanceTimeBy(10, TimeUnit.SECONDS);
		this.channel.runScheduledPendingTasks();
		assertThat((Object) this.channel.readOutbound()).isNull();
		assertThat(this.channel.isOpen()).isFalse();
	}

	private static ByteBuf bytes(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
	}

}
