import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commits CHANGES greeting templates, one after the other, to the repository config-service serves
 * (its post-commit hook pushes each to the running greeters over the bus) and measures, for each,
 * the time from the start of the commit to the moment the last given greeter instance serves the
 * new text. Every instance is polled by a thread of its own, back to back.
 * <p>
 * Usage: {@code java bench/ConfigPropagationProbe.java REPO WARMUP CHANGES PORT...}; prints one line per
 * change, then {@code result instances=N changes=C median_ms=M max_ms=X}. Restores the template,
 * also when interrupted.
 */
public class ConfigPropagationProbe {

	private static final Pattern TEMPLATE = Pattern.compile("(?m)^(\\s+template: )(.*)$");

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Between two polls of one instance: the resolution of the measurement. Polling back to back
	 * would load the two cores enough to slow down the refresh being measured.
	 */
	private static final long POLL_INTERVAL_MILLIS = Long.getLong("poll.ms", 20);

	public static void main(String[] args) throws Exception {
		Path repo = Path.of(args[0]);
		int warmup = Integer.parseInt(args[1]);
		int changes = Integer.parseInt(args[2]);
		List<Integer> ports = new ArrayList<>();
		for (int i = 3; i < args.length; i++) {
			ports.add(Integer.parseInt(args[i]));
		}
		Path file = repo.resolve("greeter-service.yml");
		String original = Files.readString(file);
		Thread restore = new Thread(() -> restore(repo, file, original), "restore");
		Runtime.getRuntime().addShutdownHook(restore);
		List<Long> millis = new ArrayList<>();
		for (int change = 1 - warmup; change <= changes; change++) {
			String marker = "propagation " + change + " of " + changes + " at " + System.nanoTime();
			long took = propagate(repo, file, "Hello, {name}! " + marker, ports, "Hello, Bench! " + marker);
			if (change >= 1) {
				millis.add(took);
			}
			System.out.printf("%s %2d: %4d ms%n", (change < 1) ? "warm-up" : "change ", change + ((change < 1) ? warmup : 0), took);
		}
		List<Long> sorted = millis.stream().sorted().toList();
		int n = sorted.size();
		double median = (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
		System.out.printf("result instances=%d changes=%d median_ms=%.1f max_ms=%d min_ms=%d%n", ports.size(), n, median,
				sorted.get(n - 1), sorted.get(0));
	}

	private static void restore(Path repo, Path file, String original) {
		try {
			if (!Files.readString(file).equals(original)) {
				Files.writeString(file, original);
				commit(repo, "Benchmark done: the template as it was");
			}
		}
		catch (Exception ex) {
			System.err.println("Could not restore " + file + ": " + ex.getMessage());
		}
	}

	/** Commits the template, returns the milliseconds until every instance serves the expected text. */
	private static long propagate(Path repo, Path file, String template, List<Integer> ports, String expected)
			throws Exception {
		String yaml = Files.readString(file);
		Matcher line = TEMPLATE.matcher(yaml);
		if (!line.find()) {
			throw new IllegalStateException("greeter-service.yml has no template line");
		}
		Files.writeString(file, yaml.substring(0, line.start(2)) + "\"" + template + "\"" + yaml.substring(line.end(2)));
		CountDownLatch served = new CountDownLatch(ports.size());
		AtomicLong last = new AtomicLong();
		long start = System.nanoTime();
		List<Thread> pollers = new ArrayList<>();
		for (int port : ports) {
			URL greetings = URI.create("http://127.0.0.1:" + port + "/greetings?name=Bench").toURL();
			Thread poller = new Thread(() -> pollUntilServed(greetings, expected, start, last, served), "poll-" + port);
			poller.setDaemon(true);
			poller.start();
			pollers.add(poller);
		}
		commit(repo, "Benchmark: " + template);
		if (!served.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("not every instance served the change within " + TIMEOUT);
		}
		return TimeUnit.NANOSECONDS.toMillis(last.get() - start);
	}

	private static void pollUntilServed(URL greetings, String expected, long start, AtomicLong last, CountDownLatch served) {
		while (System.nanoTime() - start < TIMEOUT.toNanos()) {
			try {
				String body = get(greetings);
				if (body.contains(expected)) {
					long now = System.nanoTime();
					last.accumulateAndGet(now, Math::max);
					served.countDown();
					return;
				}
				Thread.sleep(POLL_INTERVAL_MILLIS);
			}
			catch (IOException ex) {
				// the instance is busy refreshing: ask again
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * One GET on a kept-alive connection. {@link HttpURLConnection} rather than {@code HttpClient}:
	 * six pollers every 20 ms are 300 requests a second, and {@code HttpClient}'s asynchronous
	 * machinery made the probe's JVM take about a third of a core from the refreshes it measures.
	 */
	private static String get(URL url) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) url.openConnection();
		connection.setConnectTimeout(2_000);
		connection.setReadTimeout(5_000);
		boolean ok = connection.getResponseCode() == 200;
		try (InputStream body = ok ? connection.getInputStream() : connection.getErrorStream()) {
			// read to the end, so that the connection goes back to the keep-alive cache
			return (body != null) ? new String(body.readAllBytes(), StandardCharsets.UTF_8) : "";
		}
	}

	private static void commit(Path repo, String message) throws Exception {
		Process git = new ProcessBuilder("git", "-C", repo.toString(), "-c", "user.name=benchmark",
				"-c", "user.email=bench@platform.local", "commit", "-q", "-m", message, "--", "greeter-service.yml")
			.redirectErrorStream(true)
			.start();
		String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
			throw new IllegalStateException("git commit failed: " + output);
		}
	}

}
