package dev.microplatform.salutation;

import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Faults this one instance injects into its own answers, so that users and the end-to-end tests can
 * watch the platform's resilience at work: an added delay, or an error status for every answer.
 * Set on the instance's own port through {@code /actuator/faults} (never routed by the gateway).
 */
@Component
@Endpoint(id = "faults")
public class Faults {

	private final AtomicReference<Fault> current = new AtomicReference<>(Fault.NONE);

	@ReadOperation
	public Fault current() {
		return this.current.get();
	}

	@WriteOperation
	public Fault inject(@Nullable Long delayMillis, @Nullable Integer status) {
		Fault fault = new Fault((delayMillis != null) ? delayMillis : 0, (status != null) ? status : 0);
		if (fault.status() != 0 && HttpStatus.resolve(fault.status()) == null) {
			throw new IllegalArgumentException("status must be an HTTP status code, not " + fault.status());
		}
		this.current.set(fault);
		return fault;
	}

	@DeleteOperation
	public Fault clear() {
		this.current.set(Fault.NONE);
		return Fault.NONE;
	}

	/**
	 * Applies the current fault to the request being served: waits, then fails if told to.
	 */
	void apply() throws InterruptedException {
		Fault fault = this.current.get();
		if (fault.delayMillis() > 0) {
			Thread.sleep(fault.delayMillis());
		}
		if (fault.status() != 0) {
			throw new ResponseStatusException(HttpStatus.valueOf(fault.status()), "injected fault");
		}
	}

	/**
	 * A fault: a delay in milliseconds and an HTTP status to answer with (0 for none).
	 */
	public record Fault(long delayMillis, int status) {

		static final Fault NONE = new Fault(0, 0);

	}

}
