package dev.microplatform.starter.tracing;

import io.micrometer.observation.ObservationPredicate;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformTracingAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformTracingAutoConfiguration.class));

	@Test
	void actuatorRequestsAreNotObservedButTheServicesOwnAre() {
		this.contextRunner.run((context) -> {
			ObservationPredicate predicate = context.getBean("actuatorRequestsObservationPredicate",
					ObservationPredicate.class);
			assertThat(predicate.test("http.server.requests", request("/actuator/health"))).isFalse();
			assertThat(predicate.test("http.server.requests", request("/greetings"))).isTrue();
		});
	}

	@Test
	void followsTheActuatorBasePath() {
		this.contextRunner.withPropertyValues("management.endpoints.web.base-path=/manage").run((context) -> {
			ObservationPredicate predicate = context.getBean("actuatorRequestsObservationPredicate",
					ObservationPredicate.class);
			assertThat(predicate.test("http.server.requests", request("/manage/prometheus"))).isFalse();
			assertThat(predicate.test("http.server.requests", request("/actuator/health"))).isTrue();
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwn() {
		ObservationPredicate own = (name, context) -> true;
		this.contextRunner.withBean("actuatorRequestsObservationPredicate", ObservationPredicate.class, () -> own)
			.run((context) -> assertThat(context.getBean("actuatorRequestsObservationPredicate")).isSameAs(own));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.tracing.skip-actuator=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationPredicate.class));
	}

	@Test
	void absentWithoutMicrometerObservation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationPredicate.class))
			.run((context) -> assertThat(context).doesNotHaveBean("actuatorRequestsObservationPredicate"));
	}

	@Test
	void absentOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlatformTracingAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationPredicate.class));
	}

	private static ServerRequestObservationContext request(String uri) {
		return new ServerRequestObservationContext(new MockHttpServletRequest("GET", uri), new MockHttpServletResponse());
	}

}
