package dev.microplatform.salutation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The salutations this service knows; served by the config service from
 * {@code config-repo/salutation-service.yml}.
 */
@ConfigurationProperties("salutation")
public class SalutationProperties {

	/**
	 * Salutation by language tag ("en", "fr", ...).
	 */
	private Map<String, String> byLanguage = new LinkedHashMap<>(Map.of("en", "Hello"));

	/**
	 * Language whose salutation answers for a language not in the table.
	 */
	private String defaultLanguage = "en";

	public Map<String, String> getByLanguage() {
		return this.byLanguage;
	}

	public void setByLanguage(Map<String, String> byLanguage) {
		this.byLanguage = byLanguage;
	}

	public String getDefaultLanguage() {
		return this.defaultLanguage;
	}

	public void setDefaultLanguage(String defaultLanguage) {
		this.defaultLanguage = defaultLanguage;
	}

	String salutationFor(String language) {
		return this.byLanguage.getOrDefault(language,
				this.byLanguage.getOrDefault(this.defaultLanguage, "Hello"));
	}

}
