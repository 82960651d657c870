package dev.microplatform.starter.tracing;

import java.util.List;

import io.micrometer.observation.ObservationFilter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * No credential a request carries in its query reaches a trace or a metric: every observation's
 * URLs are masked ({@link CredentialMaskingObservationFilter}) for the parameters
 * {@code platform.tracing.masked-parameters} names.
 */
@AutoConfiguration
@ConditionalOnClass(ObservationFilter.class)
@EnableConfigurationProperties(PlatformObservationMaskingAutoConfiguration.MaskingProperties.class)
public class PlatformObservationMaskingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "credentialMaskingObservationFilter")
	ObservationFilter credentialMaskingObservationFilter(MaskingProperties properties) {
		return new CredentialMaskingObservationFilter(new QueryCredentialMask(properties.maskedParameters()));
	}

	/**
	 * @param maskedParameters query parameters whose values are masked wherever a URL is recorded
	 * (names match without regard to case)
	 */
	@ConfigurationProperties("platform.tracing")
	record MaskingProperties(List<String> maskedParameters) {

		static final List<String> DEFAULT_MASKED_PARAMETERS = List.of("access_token", "id_token", "refresh_token",
				"api_key", "apikey", "key", "token", "password", "passwd", "secret", "client_secret", "signature", "sig",
				"authorization", "auth", "code");

		MaskingProperties {
			maskedParameters = (maskedParameters != null) ? List.copyOf(maskedParameters) : DEFAULT_MASKED_PARAMETERS;
		}

	}

}
