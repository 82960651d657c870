package dev.microplatform.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * A test class's own instance of one of the platform's services, as a JUnit extension: started with
 * the class's settings on a free port before its first test, kept out of Consul (no other traffic
 * reaches it, and the platform's instances keep their settings), healthy before the class's
 * {@code @BeforeAll} runs, stopped after its last test.
 */
final class UnlistedInstance implements BeforeAllCallback, AfterAllCallback {

	private final String module;

	private final List<String> arguments;

	private final int port = Platform.freePort();

	private final Integer managementPort;

	private Process process;

	private UnlistedInstance(String module, Integer managementPort, String... arguments) {
		this.module = module;
		this.managementPort = managementPort;
		this.arguments = new ArrayList<>(List.of("--spring.cloud.consul.discovery.register=false"));
		if (managementPort != null) {
			this.arguments.add("--management.server.port=" + managementPort);
		}
		this.arguments.addAll(Arrays.asList(arguments));
	}

	/** An instance of the module, with these arguments, its actuator on its own port. */
	static UnlistedInstance of(String module, String... arguments) {
		return new UnlistedInstance(module, null, arguments);
	}

	/** An instance of a module whose actuator has a port of its own (the gateway), on a free one too. */
	static UnlistedInstance withManagementPort(String module, String... arguments) {
		return new UnlistedInstance(module, Platform.freePort(), arguments);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.process = Platform.startInstance(this.module, this.port, this.arguments.toArray(String[]::new));
		URI health = ((this.managementPort != null) ? URI.create("http://127.0.0.1:" + this.managementPort) : base())
			.resolve("/actuator/health");
		await(this.module + " on port " + this.port + " up").atMost(Duration.ofSeconds(120))
			.ignoreExceptions()
			.until(() -> Platform.send(HttpRequest.newBuilder(health).build()).statusCode() == 200);
	}

	@Override
	public void afterAll(ExtensionContext context) throws InterruptedException {
		Platform.stop(this.process);
	}

	/** Where the instance serves. */
	URI base() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	/** The instance's output. */
	Path log() {
		return Platform.instanceLog(this.module, this.port);
	}

}
