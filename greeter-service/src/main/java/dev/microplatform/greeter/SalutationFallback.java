package dev.microplatform.greeter;

import dev.microplatform.greeter.SalutationClient.Salutation;

/**
 * What greeter says when salutation-service cannot answer (down, failing, or its circuit open):
 * a plain English salutation, marked as the fallback. Spring Cloud CircuitBreaker calls it by the
 * client method's name and parameters.
 */
public class SalutationFallback {

	static final Salutation FALLBACK = new Salutation("Hello", "en", null);

	public Salutation salutation(String language) {
		return FALLBACK;
	}

}
