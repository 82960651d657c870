package dev.microplatform.starter.web;

import dev.microplatform.starter.condition.ConditionalOnPlatformFeature;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every servlet service answers bad requests with RFC 9457 problem details that name the field at
 * fault. Takes the place of Spring Boot's plain problem-details handler.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ResponseEntityExceptionHandler.class)
@ConditionalOnPlatformFeature("platform.problem-details")
public class PlatformProblemDetailsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
	FieldProblemDetailsExceptionHandler fieldProblemDetailsExceptionHandler() {
		return new FieldProblemDetailsExceptionHandler();
	}

}
