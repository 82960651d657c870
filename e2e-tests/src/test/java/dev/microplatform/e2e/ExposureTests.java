package dev.microplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the platform exposes to the network it runs on: nothing but loopback. Every socket that a
 * process the launcher started listens on (the services, config-service, the gateway and its
 * management port, and every part of the infrastructure, RabbitMQ's Erlang port mapper included) is
 * bound to a loopback address, as the kernel reports it.
 */
class ExposureTests {

	private static final Pattern LISTENER = Pattern.compile("^\\S+\\s+\\S+\\s+\\S+\\s+(\\S+):(\\d+)\\s+\\S+\\s+users:(.*)$");

	private static final Pattern PROCESS = Pattern.compile("\\(\"([^\"]+)\",pid=(\\d+),");

	@Test
	void everySocketThePlatformListensOnIsBoundToLoopback() {
		Set<Long> platform = platformProcesses();
		List<String> listeners = new ArrayList<>();
		for (String line : run("ss", "-Hltnp")) {
			Matcher listener = LISTENER.matcher(line.trim());
			if (!listener.matches()) {
				continue;
			}
			Matcher process = PROCESS.matcher(listener.group(3));
			while (process.find()) {
				long pid = Long.parseLong(process.group(2));
				if (platform.contains(pid) || process.group(1).equals("epmd")) {
					listeners.add(process.group(1) + " (pid " + pid + ") on " + listener.group(1) + ":" + listener.group(2));
				}
			}
		}
		// The gateway, the services, Consul, Redis, RabbitMQ, Zipkin, Prometheus, Alertmanager at least
		assertThat(listeners).as("the platform's listening sockets").hasSizeGreaterThanOrEqualTo(12);
		assertThat(listeners).as("listening sockets not on loopback")
			.allSatisfy((listener) -> assertThat(listener).matches(".* on (127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\]|\\[::ffff:127\\.\\d+\\.\\d+\\.\\d+\\]):\\d+"));
	}

	/** The pids the launcher recorded and every process below them (RabbitMQ's Erlang VM under its script). */
	private static Set<Long> platformProcesses() {
		Set<Long> pids = new HashSet<>();
		try (Stream<Path> files = Files.list(Platform.ROOT.resolve(".platform"))) {
			files.filter((file) -> file.getFileName().toString().endsWith(".pid")).forEach((file) -> {
				try {
					pids.add(Long.parseLong(Files.readString(file).trim()));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(pids).as("components the launcher started").hasSizeGreaterThanOrEqualTo(12);
		boolean grew = true;
		while (grew) {
			grew = ProcessHandle.allProcesses()
				.filter((process) -> process.parent().map((parent) -> pids.contains(parent.pid())).orElse(false))
				.map((process) -> pids.add(process.pid()))
				.reduce(false, Boolean::logicalOr);
		}
		return pids;
	}

	private static List<String> run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
			assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
			return lines;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
