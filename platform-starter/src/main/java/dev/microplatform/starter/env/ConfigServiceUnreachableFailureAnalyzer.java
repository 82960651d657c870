package dev.microplatform.starter.env;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.cloud.config.client.ConfigClientFailFastException;

/**
 * Turns a service's failure to get its configuration at start-up (after the config client's
 * retries) into one sentence saying what it could not reach, instead of a stack trace: either no
 * passing config-service instance in Consul, or config-service refusing or failing the fetch.
 */
class ConfigServiceUnreachableFailureAnalyzer implements FailureAnalyzer {

	private static final String NO_INSTANCES = "No instances found of configserver";

	static final String ACTION = "Start config-service (./platform up starts the whole platform), check that this "
			+ "service's PLATFORM_CONFIG_CLIENT_PASSWORD is config-service's client password, or set "
			+ "spring.cloud.config.fail-fast=false to start with local configuration only.";

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof IllegalStateException && cause.getMessage() != null
					&& cause.getMessage().startsWith(NO_INSTANCES)) {
				return new FailureAnalysis("Could not get this service's configuration: Consul lists no passing "
						+ "instance of config-service (" + cause.getMessage() + "), after retrying.", ACTION, cause);
			}
			if (cause instanceof ConfigClientFailFastException) {
				return new FailureAnalysis("Could not get this service's configuration from config-service, after "
						+ "retrying: " + rootMessage(cause), ACTION, cause);
			}
		}
		return null;
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage();
	}

}
