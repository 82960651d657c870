package dev.microplatform.e2e;

import java.util.List;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's {@link EchoBackend}, as a JUnit extension: routed through the gateway before the
 * class's first test (reached as the {@code partner} consumer), forgetting what reached it before
 * each test, removed from Consul after the last.
 */
final class RoutedEchoBackend implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private EchoBackend backend;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.backend = EchoBackend.startRoutedThroughGateway(Platform.PARTNER);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.backend.forget();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.backend != null) {
			this.backend.close();
		}
	}

	/** Headers of every request that reached the backend in this test, oldest first. */
	List<Headers> requests() {
		return this.backend.requests();
	}

	/** Every request that reached the backend in this test, oldest first. */
	List<EchoBackend.Received> received() {
		return this.backend.received();
	}

	void forget() {
		this.backend.forget();
	}

}
