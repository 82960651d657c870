package dev.microplatform.e2e;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One connection to a server that sends bytes exactly as given (requests an HTTP client refuses to
 * send, or would normalise) and reads the answers as they come: each answer whole, then whether and
 * when the server closed the connection.
 */
final class RawHttp implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final long openedNanos = System.nanoTime();

	private long closedNanos;

	private RawHttp(Socket socket) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
	}

	static RawHttp connect(URI base) {
		try {
			Socket socket = new Socket(base.getHost(), base.getPort());
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(90_000);
			return new RawHttp(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Sends bytes (ISO-8859-1 for text); false when the server had already closed the connection. */
	boolean send(String bytes) {
		return send(bytes.getBytes(StandardCharsets.ISO_8859_1));
	}

	boolean send(byte[] bytes) {
		try {
			this.socket.getOutputStream().write(bytes);
			this.socket.getOutputStream().flush();
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** An answer: status, headers (names in lower case) and body. */
	record Answer(int status, Map<String, String> headers, String body) {

		String contentType() {
			return this.headers.getOrDefault("content-type", "");
		}

	}

	/**
	 * Reads answers until the server closes the connection, waiting at most {@code atMost}.
	 * @return the answers, in the order they came
	 * @throws IllegalStateException if the connection is still open after {@code atMost}
	 */
	List<Answer> answersUntilClosed(Duration atMost) {
		List<Answer> answers = new ArrayList<>();
		try {
			this.socket.setSoTimeout((int) atMost.toMillis());
			Answer answer;
			while ((answer = readAnswer()) != null) {
				answers.add(answer);
			}
			this.closedNanos = System.nanoTime();
			return answers;
		}
		catch (SocketTimeoutException ex) {
			throw new IllegalStateException("The connection was still open after " + atMost + ", answers so far: " + answers);
		}
		catch (IOException ex) {
			// A reset after the answers: the server closed with unread bytes of ours
			this.closedNanos = System.nanoTime();
			return answers;
		}
	}

	/** How long the connection was open until the server closed it, as {@link #answersUntilClosed} saw. */
	Duration openFor() {
		if (this.closedNanos == 0) {
			throw new IllegalStateException("The connection was not read to its end");
		}
		return Duration.ofNanos(this.closedNanos - this.openedNanos);
	}

	/** The next answer, or null once the server has closed the connection. */
	private Answer readAnswer() throws IOException {
		String statusLine = readLine(true);
		if (statusLine == null) {
			return null;
		}
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
			int colon = line.indexOf(':');
			headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
					(first, second) -> first + ", " + second);
		}
		if (status / 100 == 1) {
			return new Answer(status, headers, "");
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			for (int size = Integer.parseInt(readLine(false).split(";")[0].trim(), 16); size > 0;
					size = Integer.parseInt(readLine(false).split(";")[0].trim(), 16)) {
				body.write(this.in.readNBytes(size));
				readLine(false);
			}
			readLine(false);
		}
		else if (headers.containsKey("content-length")) {
			body.write(this.in.readNBytes(Integer.parseInt(headers.get("content-length"))));
		}
		return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
	}

	/** A line without its CRLF; at the end of the stream null if allowed, else an error. */
	private String readLine(boolean endAllowed) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b < 0) {
				if (endAllowed && line.isEmpty()) {
					return null;
				}
				throw new EOFException("The connection closed in the middle of an answer: " + line);
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
