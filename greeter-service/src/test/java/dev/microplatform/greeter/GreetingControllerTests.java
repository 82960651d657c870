package dev.microplatform.greeter;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.microplatform.greeter.SalutationClient.Salutation;
import dev.microplatform.starter.inbound.DegradationSwitch;
import dev.microplatform.starter.web.PlatformProblemDetailsAutoConfiguration;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;

@WebMvcTest(controllers = GreetingController.class,
		properties = { "spring.cloud.config.enabled=false", "greeter.template=Hi {name}, from the test" })
@ImportAutoConfiguration(PlatformProblemDetailsAutoConfiguration.class)
class GreetingControllerTests {

	@Autowired
	private MockMvcTester mvc;

	@MockitoBean
	private Registration registration;

	@MockitoBean
	private SalutationClient salutations;

	@MockitoBean
	private DegradationSwitch degradation;

	@BeforeEach
	void instance() {
		given(this.registration.getInstanceId()).willReturn("greeter-service-1a2b3c4d");
		given(this.salutations.salutation("fr")).willReturn(new Salutation("Bonjour", "fr", "salutation-service-5e6f"));
	}

	@Test
	void asksSalutationServiceInTheCallersLanguage() {
		assertThat(this.mvc.get().uri("/greetings").param("name", "Ada").param("lang", "fr")).hasStatusOk()
			.bodyJson()
			.isLenientlyEqualTo("""
					{"salutation": {"text": "Bonjour", "language": "fr", "instance": "salutation-service-5e6f",
					"fallback": false}}""");
	}

	@Test
	void degradedGreetingsServeTheFallbackWithoutCallingSalutationService() {
		given(this.degradation.isDegraded("greetings")).willReturn(true);
		assertThat(this.mvc.get().uri("/greetings").param("name", "Ada").param("lang", "fr")).hasStatusOk()
			.bodyJson()
			.isLenientlyEqualTo("""
					{"message": "Hi Ada, from the test", "salutation": {"text": "Hello", "fallback": true}}""");
		then(this.salutations).shouldHaveNoInteractions();
	}

	@Test
	void malformedLanguageIsAProblemNamingTheField() {
		assertThat(this.mvc.get().uri("/greetings").param("name", "Ada").param("lang", "fr;drop")).hasStatus(400)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("lang");
	}

	@Test
	void greetsWithTheConfiguredTemplateAndSaysWhichInstanceAnswered() {
		assertThat(this.mvc.get().uri("/greetings").param("name", "Ada")).hasStatusOk()
			.bodyJson()
			.isLenientlyEqualTo("""
					{"message": "Hi Ada, from the test", "instance": "greeter-service-1a2b3c4d"}""");
	}

	@Test
	void missingNameIsAProblemNamingTheField() {
		assertInvalidName(this.mvc.get().uri("/greetings"));
	}

	@Test
	void blankNameIsAProblemNamingTheField() {
		assertInvalidName(this.mvc.get().uri("/greetings").param("name", "  "));
	}

	@Test
	void nameOverSixtyFourCharactersIsAProblemNamingTheField() {
		assertThat(this.mvc.get().uri("/greetings").param("name", "a".repeat(64))).hasStatusOk();
		assertInvalidName(this.mvc.get().uri("/greetings").param("name", "a".repeat(65)));
	}

	@Test
	void controlCharactersInTheNameAreAProblemNamingTheField() {
		assertInvalidName(this.mvc.get().uri("/greetings").param("name", "Ada\r\nSet-Cookie: x"));
		assertInvalidName(this.mvc.get().uri("/greetings").param("name", "Ada\u0000"));
	}

	private void assertInvalidName(MockMvcTester.MockMvcRequestBuilder request) {
		assertThat(request).hasStatus(400)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.isLenientlyEqualTo("""
					{"status": 400, "type": "urn:problem-type:platform:invalid-request",
					 "errors": [{"field": "name"}]}""");
	}

}
