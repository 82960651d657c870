package dev.microplatform.gateway.consumer;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Says in one sentence which JWT setting the gateway needs, instead of a bean creation stack trace.
 */
class MissingJwtSettingFailureAnalyzer extends AbstractFailureAnalyzer<MissingJwtSettingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingJwtSettingException cause) {
		String keys = String.join(", ", cause.keys());
		return new FailureAnalysis("The gateway verifies JWT bearer tokens (" + GatewayConsumerProperties.Jwt.PUBLIC_KEY_LOCATION
				+ " or " + GatewayConsumerProperties.Jwt.JWK_SET_URI + " is set) but these settings are missing: " + keys
				+ ". Without them it would accept any token the key signs, even one issued for another application.",
				"Set " + keys + ": the issuer is the 'iss' claim, the audience a value of the 'aud' claim, of the tokens "
						+ "your identity provider issues for this platform (./platform up passes the launcher's own).",
				cause);
	}

}
