package dev.microplatform.config.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskTests {

	@Test
	void masksCipherValuesWhateverTheirKey() {
		assertThat(SecretMask.mask("greeter.template", "{cipher}ab12cd")).isEqualTo("******");
		assertThat(SecretMask.mask("greeter.template", "'{cipher}ab12cd'")).isEqualTo("******");
	}

	@Test
	void masksValuesOfKeysThatNameASecret() {
		assertThat(SecretMask.mask("spring.datasource.password", "hunter2")).isEqualTo("******");
		assertThat(SecretMask.mask("platform.gateway.consumers.partner.api-keys[0]", "abc")).isEqualTo("******");
		assertThat(SecretMask.mask("app.auth-token", "t")).isEqualTo("******");
		assertThat(SecretMask.mask("app.client-secret", "s")).isEqualTo("******");
		assertThat(SecretMask.mask("app.credentials", "c")).isEqualTo("******");
	}

	@Test
	void showsEverythingElse() {
		assertThat(SecretMask.mask("greeter.template", "Hello")).isEqualTo("Hello");
		assertThat(SecretMask.mask("platform.inbound.rate-limits.greetings.limit", 50)).isEqualTo(50);
	}

	@Test
	void masksCiphersAndSecretKeysInDiffs() {
		String diff = """
				--- a/greeter-service.yml
				+++ b/greeter-service.yml
				@@ -1,2 +1,3 @@
				-  template: "{cipher}f536e0e8febb"
				+  template: 'Hello'
				+  password: hunter2
				   enabled: true
				""";

		String masked = SecretMask.maskText(diff);

		assertThat(masked).doesNotContain("f536e0e8febb").doesNotContain("hunter2")
			.contains("-  template: \"{cipher}******\"")
			.contains("+  password: ******")
			.contains("+  template: 'Hello'")
			.contains("--- a/greeter-service.yml");
	}

}
