package dev.microplatform.greeter;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.microplatform.greeter.SalutationClient.Salutation;
import dev.microplatform.starter.inbound.DegradationSwitch;

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

	private final SalutationClient salutations;

	private final DegradationSwitch degradation;

	GreetingController(GreetingProperties properties, Registration registration, SalutationClient salutations,
			DegradationSwitch degradation) {
		this.properties = properties;
		this.registration = registration;
		this.salutations = salutations;
		this.degradation = degradation;
	}

	@GetMapping("/greetings")
	Greeting greet(@RequestParam("name") @NotBlank @Size(max = 64)
			@Pattern(regexp = "\\P{Cntrl}*", message = "must not contain control characters") String name,
			@RequestParam(name = "lang", defaultValue = "en")
			@Pattern(regexp = "[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*", message = "must be a language tag") String language) {
		// Degraded (platform.inbound.degraded: greetings): skip the call, answer with the fallback.
		Salutation salutation = this.degradation.isDegraded("greetings") ? SalutationFallback.FALLBACK
				: this.salutations.salutation(language);
		return new Greeting(this.properties.greet(name), this.registration.getInstanceId(), salutation);
	}

	/**
	 * A greeting, the id of the instance that made it, and the salutation it got from
	 * salutation-service (or the fallback, marked as such).
	 */
	record Greeting(String message, String instance, Salutation salutation) {
	}

}
