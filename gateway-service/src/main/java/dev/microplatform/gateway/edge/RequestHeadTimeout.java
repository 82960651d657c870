package dev.microplatform.gateway.edge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the time a client takes to send a request's head, from its first byte to the end of its
 * headers: a client that sends them a byte at a time (slowloris) holds no connection beyond it.
 * Reactor Netty's idle timeout does not: every byte resets it. Sits before the HTTP codec, which
 * tells it through {@link RequestFramingGuard} when a head is complete and when the next one is due.
 */
final class RequestHeadTimeout extends ChannelInboundHandlerAdapter {

	private final long timeoutNanos;

	private BooleanSupplier responseInFlight = () -> false;

	private boolean awaitingHead = true;

	private @Nullable ScheduledFuture<?> timer;

	RequestHeadTimeout(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	/** Tells whether a response is being written, which a 408 must not cut into. */
	void responseInFlight(BooleanSupplier responseInFlight) {
		this.responseInFlight = responseInFlight;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.awaitingHead && this.timer == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
			this.timer = ctx.executor().schedule(() -> expire(ctx), this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		ctx.fireChannelRead(msg);
	}

	/** The codec decoded the request's head: its body, if any, has a bound of its own. */
	void headReceived() {
		this.awaitingHead = false;
		cancel();
	}

	/** The request was read to its end: the next bytes are the next request's head. */
	void awaitNextHead() {
		this.awaitingHead = true;
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancel();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancel();
	}

	private void expire(ChannelHandlerContext ctx) {
		this.timer = null;
		if (!ctx.channel().isActive()) {
			return;
		}
		if (this.responseInFlight.getAsBoolean()) {
			ctx.close();
			return;
		}
		// The codec never saw a whole head, so the answer goes out as bytes, below it
		ctx.writeAndFlush(EdgeProblems.encoded(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
				"The request's headers were not received within the gateway's time limit."))
			.addListener(ChannelFutureListener.CLOSE);
	}

	private void cancel() {
		ScheduledFuture<?> current = this.timer;
		if (current != null) {
			current.cancel(false);
			this.timer = null;
		}
	}

}
