package dev.microplatform.greeter;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@EnableConfigurationProperties(GreetingProperties.class)
class GreetingController {

	private final GreetingProperties properties;

	private final Registration registration;

	GreetingController(GreetingProperties properties, Registration registration) {
		this.properties = properties;
		this.registration = registration;
	}

	@GetMapping("/greetings")
	Greeting greet(@RequestParam("name") @NotBlank @Size(max = 64)
			@Pattern(regexp = "\\P{Cntrl}*", message = "must not contain control characters") String name) {
		return new Greeting(this.properties.greet(name), this.registration.getInstanceId());
	}

	/**
	 * A greeting and the id of the instance that made it.
	 */
	record Greeting(String message, String instance) {
	}

}
