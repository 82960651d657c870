package dev.microplatform.greeter;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the greeter greets; served by the config service from {@code config-repo/greeter-service.yml}.
 */
@ConfigurationProperties("greeter")
public class GreetingProperties {

	/**
	 * Greeting template; {@code {name}} is replaced by the caller's name.
	 */
	private String template = "Hello, {name}!";

	public String getTemplate() {
		return this.template;
	}

	public void setTemplate(String template) {
		this.template = template;
	}

	String greet(String name) {
		return this.template.replace("{name}", name);
	}

}
