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
			Diagnosis diagnosis = record(uri);
			return new UncheckedIOException(ex.getMessage() + " (" + uri + "; connections and threads: "
					+ diagnosis.file().toAbsolutePath() + ")\n" + diagnosis.summary(), ex);
		}
		catch (IOException | RuntimeException recording) {
			ex.addSuppressed(recording);
			return new UncheckedIOException(ex);
		}
	}

	/** Where the whole report is, and the few lines of it a CI log should show. */
	private record Diagnosis(Path file, String summary) {
	}

	private static Diagnosis record(URI uri) throws IOException {
		int port = (uri.getPort() != -1) ? uri.getPort() : 80;
		StringBuilder report = new StringBuilder("Request to " + uri + " timed out at " + Instant.now() + "\n\n");
		String connections = run(List.of("ss", "-tnoi", "( sport = :" + port + " or dport = :" + port + " )"));
		report.append(connections);
		StringBuilder summary = new StringBuilder();
		for (String line : connections.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			// State Recv-Q Send-Q Local Peer: bytes the kernel holds that nobody has read or that are unsent
			if (fields.length >= 5 && fields[1].matches("\\d+") && (!fields[1].equals("0") || !fields[2].equals("0"))) {
				summary.append("  queued bytes: ").append(line.trim()).append('\n');
			}
		}
		String listener = run(List.of("ss", "-tlnpH", "( sport = :" + port + " )"));
		report.append("\nListening:\n").append(listener);
		Matcher pid = LISTENING_PID.matcher(listener);
		if (pid.find()) {
			Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
			String threads = run(List.of(jcmd.toString(), pid.group(1), "Thread.print"));
			report.append("\nThreads of ").append(pid.group(1)).append(":\n").append(threads);
			summary.append(eventLoops(threads));
		}
		Path file = Path.of("target", "diagnostics", "timeout-" + port + "-" + System.nanoTime() + ".txt");
		Files.createDirectories(file.getParent());
		Files.writeString(file, report, StandardCharsets.UTF_8);
		return new Diagnosis(file, summary.toString());
	}

	/** Each Netty event loop of a thread dump, with what it was doing: one stuck in our code blocks its connections. */
	private static String eventLoops(String threads) {
		StringBuilder loops = new StringBuilder();
		for (String thread : threads.split("\n\n")) {
			String[] lines = thread.split("\n");
			if (lines.length >= 3 && lines[0].startsWith("\"reactor-http-")) {
				loops.append("  ").append(lines[0], 0, lines[0].indexOf('"', 1) + 1).append(' ')
					.append(lines[1].trim()).append(' ').append(lines[2].trim()).append('\n');
			}
		}
		return loops.toString();
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
