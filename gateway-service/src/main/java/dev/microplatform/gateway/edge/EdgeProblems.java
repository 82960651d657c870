package dev.microplatform.gateway.edge;

import java.nio.charset.StandardCharsets;

import dev.microplatform.gateway.ProblemResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * The gateway's problem details as Netty responses, for what the connection answers itself: the
 * same types and shape as every other answer of the gateway, and the connection closed after.
 */
final class EdgeProblems {

	private EdgeProblems() {
	}

	static FullHttpResponse response(ByteBufAllocator allocator, HttpResponseStatus status, String detail) {
		byte[] json = json(status, detail);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				allocator.buffer(json.length).writeBytes(json));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, json.length)
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		return response;
	}

	/** The whole response as bytes, for a connection whose request head was never decoded. */
	static ByteBuf encoded(ByteBufAllocator allocator, HttpResponseStatus status, String detail) {
		byte[] json = json(status, detail);
		String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + MediaType.APPLICATION_PROBLEM_JSON_VALUE
				+ "\r\nContent-Length: " + json.length + "\r\nConnection: close\r\n\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
		return allocator.buffer(headBytes.length + json.length).writeBytes(headBytes).writeBytes(json);
	}

	private static byte[] json(HttpResponseStatus status, String detail) {
		return ProblemResponse.json(ProblemResponse.of(HttpStatus.valueOf(status.code()), detail));
	}

}
