package dev.microplatform.config.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Who may call config-service: the services fetching their configuration, and the operators
 * using the console (and {@code /encrypt}, the actuator). The launcher generates both passwords
 * for local use; a deployment passes its own through the environment.
 *
 * @param client the account services fetch their configuration with
 * @param admin the account of the console and the management endpoints
 */
@ConfigurationProperties(ConfigServiceSecurityProperties.PREFIX)
public record ConfigServiceSecurityProperties(Account client, Account admin) {

	public static final String PREFIX = "platform.config.security";

	public ConfigServiceSecurityProperties {
		Assert.notNull(client, PREFIX + ".client must be set");
		Assert.notNull(admin, PREFIX + ".admin must be set");
	}

	/**
	 * @param username the user name
	 * @param password the password, at least 16 characters
	 */
	public record Account(String username, String password) {

		public Account {
			Assert.hasText(username, "a config-service account needs a username");
			Assert.isTrue(password != null && password.length() >= 16,
					() -> "the password of config-service's account '" + username + "' must have at least 16 characters");
		}

	}

}
