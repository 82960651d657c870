package dev.microplatform.gateway;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which errors {@link ClientFault} takes for a client's, which a route's breaker does not count. */
class ClientFaultTests {

	@Test
	void clientErrorsAreNoBackendFailure() {
		assertThat(ClientFault.isBackendFailure(new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE))).isFalse();
		assertThat(ClientFault.isBackendFailure(new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS))).isFalse();
		assertThat(ClientFault.statusOf(new ResponseStatusException(HttpStatus.BAD_REQUEST))).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void backendErrorsAreFailures() {
		assertThat(ClientFault.isBackendFailure(new IOException("Connection reset"))).isTrue();
		assertThat(ClientFault.isBackendFailure(new TimeoutException())).isTrue();
		assertThat(ClientFault.isBackendFailure(NotFoundException.create(false, "no instance"))).isTrue();
		assertThat(ClientFault.isBackendFailure(new ResponseStatusException(HttpStatus.BAD_GATEWAY))).isTrue();
	}

}
