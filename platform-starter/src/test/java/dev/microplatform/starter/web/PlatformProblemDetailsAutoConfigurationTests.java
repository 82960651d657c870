package dev.microplatform.starter.web;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformProblemDetailsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformProblemDetailsAutoConfiguration.class));

	@Test
	void servletServicesGetFieldProblemDetails() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(FieldProblemDetailsExceptionHandler.class));
	}

	@Test
	void backsOffWhenTheServiceHasItsOwnHandler() {
		this.contextRunner.withUserConfiguration(OwnHandler.class).run((context) -> {
			assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
			assertThat(context).doesNotHaveBean(FieldProblemDetailsExceptionHandler.class);
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ResponseEntityExceptionHandler.class));
	}

	@Test
	void absentWithoutSpringMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ResponseEntityExceptionHandler.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FieldProblemDetailsExceptionHandler.class));
	}

	@Test
	void absentOutsideServletApplications() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlatformProblemDetailsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ResponseEntityExceptionHandler.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnHandler {

		@Bean
		ResponseEntityExceptionHandler ownHandler() {
			return new ResponseEntityExceptionHandler() {
			};
		}

	}

}
