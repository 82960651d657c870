package dev.microplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request that got no answer in time leaves behind, for whoever reads the failure: the
 * state of every TCP connection to the port it was sent to (kernel queues, timers) and a thread
 * dump of the process listening there, taken right when the client gave up. Written under
 * {@code target/diagnostics/}; the exception the test sees names the file.
 */
final class TimeoutDiagnostics {

	private static final Pattern LISTENING_PID = Pattern.compile("pid=(\\d+)");

	private TimeoutDiagnostics() {
	}

	/** The exception a test sees for a failed request, with the diagnostics of a timeout. */
	static UncheckedIOException failure(IOException ex, URI uri) {
		if (!(ex instanceof HttpTimeoutException)) {
			return new UncheckedIOException(ex);
		}
		try {
			Path file = record(uri);
			return new UncheckedIOException(ex.getMessage() + " (" + uri + "; connections and threads: " + file.toAbsolutePath() + ")", ex);
		}
		catch (IOException | RuntimeException recording) {
			ex.addSuppressed(recording);
			return new UncheckedIOException(ex);
		}
	}

	private static Path record(URI uri) throws IOException {
		int port = (uri.getPort() != -1) ? uri.getPort() : 80;
		StringBuilder report = new StringBuilder("Request to " + uri + " timed out at " + Instant.now() + "\n\n");
		report.append(run(List.of("ss", "-tnoi", "( sport = :" + port + " or dport = :" + port + " )")));
		String listener = run(List.of("ss", "-tlnpH", "( sport = :" + port + " )"));
		report.append("\nListening:\n").append(listener);
		Matcher pid = LISTENING_PID.matcher(listener);
		if (pid.find()) {
			Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
			report.append("\nThreads of ").append(pid.group(1)).append(":\n")
				.append(run(List.of(jcmd.toString(), pid.group(1), "Thread.print")));
		}
		Path file = Path.of("target", "diagnostics", "timeout-" + port + "-" + System.nanoTime() + ".txt");
		Files.createDirectories(file.getParent());
		Files.writeString(file, report, StandardCharsets.UTF_8);
		return file;
	}

	private static String run(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			return new String(output, StandardCharsets.UTF_8);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			return "(interrupted)";
		}
	}

}
