package dev.microplatform.starter.client;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

class PreviousInstanceAvoidingServiceInstanceListSupplierTests {

	private static final ServiceInstance FIRST = new DefaultServiceInstance("s-1", "s", "10.0.0.1", 8080, false);

	private static final ServiceInstance SECOND = new DefaultServiceInstance("s-2", "s", "10.0.0.2", 8080, false);

	@Test
	void aRetryLeavesOutTheInstanceOfThePreviousAttempt() {
		var supplier = new PreviousInstanceAvoidingServiceInstanceListSupplier(
				ServiceInstanceListSuppliers.from("s", FIRST, SECOND));
		assertThat(supplier.get(requestWithPrevious(FIRST)).blockFirst()).containsExactly(SECOND);
		assertThat(supplier.get(requestWithPrevious(SECOND)).blockFirst()).containsExactly(FIRST);
	}

	@Test
	void aFirstAttemptSeesEveryInstance() {
		var supplier = new PreviousInstanceAvoidingServiceInstanceListSupplier(
				ServiceInstanceListSuppliers.from("s", FIRST, SECOND));
		assertThat(supplier.get(requestWithPrevious(null)).blockFirst()).containsExactly(FIRST, SECOND);
		assertThat(supplier.get().blockFirst()).containsExactly(FIRST, SECOND);
	}

	@Test
	void theOnlyInstanceIsKeptEvenIfItWasThePreviousOne() {
		var supplier = new PreviousInstanceAvoidingServiceInstanceListSupplier(
				ServiceInstanceListSuppliers.from("s", FIRST));
		assertThat(supplier.get(requestWithPrevious(FIRST)).blockFirst()).containsExactly(FIRST);
	}

	private static Request<RequestDataContext> requestWithPrevious(ServiceInstance previous) {
		Map<String, Object> attributes = new HashMap<>();
		if (previous != null) {
			attributes.put(PreviousInstanceAvoidingServiceInstanceListSupplier.PREVIOUS_INSTANCE_ATTRIBUTE, previous);
		}
		RequestData data = new RequestData(HttpMethod.GET, URI.create("http://s/x"), new HttpHeaders(),
				new LinkedMultiValueMap<>(), attributes);
		return new DefaultRequest<>(new RequestDataContext(data));
	}

}
