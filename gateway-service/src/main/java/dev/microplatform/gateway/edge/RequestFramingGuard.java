package dev.microplatform.gateway.edge;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Stands between Netty's HTTP codec and Reactor Netty on every connection of the gateway's API port.
 * A request whose head {@link RequestFraming} refuses, or that the codec could not decode, is passed
 * on marked as a decoding failure, so Reactor Netty answers it in its turn (pipelined requests before
 * it are answered first), routes nothing and closes the connection; nothing read after it is decoded
 * into a request (no smuggled request behind an ambiguous one reaches a backend). On the way out, the
 * empty answer Reactor Netty gives such a request is replaced by the gateway's problem details; and a
 * connection closed while a request's body is still awaited (Reactor Netty's body timeout) is
 * answered 408 first. A connection closed after refusing a request whose body the client may still be
 * sending lingers before it closes, so that the client reads the answer.
 * <p>
 * A pipelined request that closes the connection ({@code Connection: close}, or HTTP/1.0 without
 * keep-alive) is the last one read, and the connection closes once it is answered; Reactor Netty is
 * not told, since on hearing it behind pending requests it drops those requests unanswered.
 */
final class RequestFramingGuard extends ChannelDuplexHandler {

	/** How long a closing connection reads and drops what its client still sends. */
	static final Duration LINGER = Duration.ofSeconds(2);

	private static final Drain DRAIN = new Drain();

	private final RequestFraming framing;

	private final RequestHeadTimeout headTimeout;

	/** Each request whose response has not started, oldest first. */
	private final Deque<Pending> awaitingResponse = new ArrayDeque<>();

	/** A request was refused: every later byte of the connection is dropped unread. */
	private boolean refusing;

	/** The last request's head is read, its body not yet to the end. */
	private boolean readingBody;

	/** A response is being written, from its head to its last content. */
	private boolean writingResponse;

	/** The response being written was replaced by a problem: its remaining parts are dropped. */
	private boolean replacingResponse;

	/** The response being written is the last on this connection: it closes after it. */
	private boolean closingAfterResponse;

	/** The request being read is the last one: nothing after it is read. */
	private boolean lastRequest;

	/** The last response written told the client the connection closes after it. */
	private boolean toldClientItCloses;

	RequestFramingGuard(RequestFraming framing, RequestHeadTimeout headTimeout) {
		this.framing = framing;
		this.headTimeout = headTimeout;
		headTimeout.responseInFlight(() -> this.writingResponse || !this.awaitingResponse.isEmpty());
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.refusing) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest request) {
			this.headTimeout.headReceived();
			RequestRefusedException refusal = refusalOf(request);
			if (refusal != null) {
				this.awaitingResponse.add(new Pending(refusal, true));
				refuse(ctx, request, refusal);
				return;
			}
			boolean closes = !HttpUtil.isKeepAlive(request);
			if (closes && !this.awaitingResponse.isEmpty()) {
				HttpUtil.setKeepAlive(request, true);
			}
			this.awaitingResponse.add(new Pending(null, closes));
			this.lastRequest = closes;
			this.readingBody = true;
		}
		if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
			ReferenceCountUtil.release(msg);
			this.refusing = true;
			this.readingBody = false;
			RequestRefusedException refusal = new RequestRefusedException(HttpResponseStatus.BAD_REQUEST,
					"The request body's chunked framing is malformed.");
			if (this.awaitingResponse.size() == 1) {
				// The request being served: its body ends in an error, so that a backend it is being
				// forwarded to sees it aborted, never complete
				this.awaitingResponse.pollLast();
				this.awaitingResponse.add(new Pending(refusal, true));
				ctx.fireExceptionCaught(refusal);
			}
			else {
				// Behind pipelined requests, or already answered: nothing of it goes on
				ctx.close();
			}
			return;
		}
		if (msg instanceof LastHttpContent) {
			this.readingBody = false;
			if (this.lastRequest) {
				this.refusing = true;
			}
			else {
				this.headTimeout.awaitNextHead();
			}
		}
		ctx.fireChannelRead(msg);
	}

	private void refuse(ChannelHandlerContext ctx, HttpRequest request, RequestRefusedException refusal) {
		this.refusing = true;
		this.readingBody = false;
		if (request.decoderResult().isSuccess()) {
			request.setDecoderResult(DecoderResult.failure(refusal));
		}
		ctx.fireChannelRead(request);
	}

	private RequestRefusedException refusalOf(HttpRequest request) {
		DecoderResult decoded = request.decoderResult();
		if (decoded.isSuccess()) {
			return this.framing.check(request);
		}
		// Netty's own reasons are not echoed: they may quote the request
		Throwable cause = decoded.cause();
		if (cause instanceof TooLongHttpLineException) {
			return new RequestRefusedException(HttpResponseStatus.REQUEST_URI_TOO_LONG,
					"The request line is longer than the gateway accepts.");
		}
		if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
			return new RequestRefusedException(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
					"The request's headers are larger than the gateway accepts.");
		}
		if (cause instanceof RequestRefusedException refusal) {
			return refusal;
		}
		return new RequestRefusedException(HttpResponseStatus.BAD_REQUEST,
				"The request is not valid HTTP/1.1: its request line or headers are malformed.");
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
			Pending pending = this.awaitingResponse.poll();
			if (pending != null && pending.refusal() != null) {
				this.replacingResponse = !(msg instanceof LastHttpContent);
				ReferenceCountUtil.release(msg);
				RequestRefusedException refusal = pending.refusal();
				this.toldClientItCloses = true;
				ctx.write(EdgeProblems.response(ctx.alloc(), refusal.status(), refusal.detail()), promise);
				return;
			}
			this.writingResponse = true;
			this.closingAfterResponse = pending != null && pending.closesConnection();
			if (this.closingAfterResponse) {
				HttpUtil.setKeepAlive(response, false);
			}
			this.toldClientItCloses = !HttpUtil.isKeepAlive(response);
		}
		if (this.replacingResponse && (msg instanceof ByteBuf || msg instanceof ByteBufHolder)) {
			this.replacingResponse = !(msg instanceof LastHttpContent);
			ReferenceCountUtil.release(msg);
			promise.trySuccess();
			return;
		}
		if (msg instanceof LastHttpContent) {
			this.writingResponse = false;
			if (this.closingAfterResponse) {
				this.closingAfterResponse = false;
				ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
				return;
			}
		}
		ctx.write(msg, promise);
	}

	/** A request awaiting its response: why it is refused, if it is; whether the connection closes after it. */
	private record Pending(@Nullable RequestRefusedException refusal, boolean closesConnection) {
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		// Reactor Netty closes a connection whose request body did not arrive in time; the client is
		// told why when nothing else is being answered on it
		if (this.readingBody && this.awaitingResponse.size() == 1 && !this.writingResponse && ctx.channel().isActive()) {
			this.readingBody = false;
			this.refusing = true;
			this.awaitingResponse.clear();
			ctx.writeAndFlush(EdgeProblems.response(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
					"The request body was not received within the gateway's time limit."))
				.addListener((written) -> ctx.close(promise));
			return;
		}
		// Only after an answer that said so: a client that was not told may already send its next request
		if ((this.refusing || this.readingBody) && this.toldClientItCloses && ctx.channel() instanceof DuplexChannel duplex
				&& duplex.isActive() && !duplex.isOutputShutdown()) {
			lingerThenClose(ctx, duplex, promise);
			return;
		}
		ctx.close(promise);
	}

	/**
	 * Closes a connection whose client may still be sending (the body of a refused request) as nginx's
	 * lingering close does: the answer is sent and the sending side shut, and what the client still
	 * sends is read and dropped until it closes (or {@link #LINGER} has passed). Closed at once, the
	 * connection would be reset by the client's next bytes, and a reset discards the answer the
	 * client had not read yet.
	 */
	private void lingerThenClose(ChannelHandlerContext ctx, DuplexChannel channel, ChannelPromise promise) {
		this.refusing = true;
		this.readingBody = false;
		ctx.pipeline().addFirst(DRAIN);
		channel.config().setAutoRead(true);
		ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
			ctx.close(promise);
		}, LINGER.toMillis(), TimeUnit.MILLISECONDS);
		channel.closeFuture().addListener((closed) -> {
			deadline.cancel(false);
			promise.trySuccess();
		});
		channel.shutdownOutput();
	}

	/** Drops whatever a connection still receives while it lingers. */
	@Sharable
	private static final class Drain extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

	}

}
