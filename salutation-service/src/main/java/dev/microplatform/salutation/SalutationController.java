package dev.microplatform.salutation;

import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@EnableConfigurationProperties(SalutationProperties.class)
class SalutationController {

	private final SalutationProperties properties;

	private final Registration registration;

	private final Faults faults;

	SalutationController(SalutationProperties properties, Registration registration, Faults faults) {
		this.properties = properties;
		this.registration = registration;
		this.faults = faults;
	}

	@GetMapping("/salutations")
	Salutation salutation(@RequestParam(name = "lang", defaultValue = "en")
			@Pattern(regexp = "[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*", message = "must be a language tag") String language)
			throws InterruptedException {
		this.faults.apply();
		return new Salutation(this.properties.salutationFor(language), language, this.registration.getInstanceId());
	}

	/**
	 * A salutation in a language, and the id of the instance that gave it.
	 */
	record Salutation(String text, String language, String instance) {
	}

}
