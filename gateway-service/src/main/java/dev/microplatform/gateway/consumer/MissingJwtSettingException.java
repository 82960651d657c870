package dev.microplatform.gateway.consumer;

import java.util.List;

/**
 * The gateway verifies bearer tokens (a public key or JWK set is configured) but does not know
 * which issuer and audience they must name. Reported by {@link MissingJwtSettingFailureAnalyzer}.
 */
class MissingJwtSettingException extends IllegalStateException {

	private final List<String> keys;

	MissingJwtSettingException(List<String> keys) {
		super("Bearer tokens are verified, but not set: " + String.join(", ", keys));
		this.keys = List.copyOf(keys);
	}

	/** The properties to set, e.g. {@code platform.gateway.jwt.audience}. */
	List<String> keys() {
		return this.keys;
	}

}
