package dev.microplatform.greeter;

import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;

/**
 * salutation-service, called by name: the platform makes the calls load-balanced over its passing
 * instances, with timeouts, budgeted retries, a circuit breaker, a bulkhead and the fallback below.
 */
public interface SalutationClient {

	@GetExchange("/salutations")
	Salutation salutation(@RequestParam("lang") String language);

	/**
	 * A salutation and the instance that gave it; the fallback was given by none.
	 */
	record Salutation(String text, String language, String instance) {

		public boolean isFallback() {
			return this.instance == null;
		}

	}

}
