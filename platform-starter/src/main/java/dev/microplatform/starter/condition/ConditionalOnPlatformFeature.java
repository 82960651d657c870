package dev.microplatform.starter.condition;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.AliasFor;

/**
 * A platform feature is on unless its {@code <prefix>.enabled} is {@code false}: every
 * auto-configuration of the platform says so with this one condition (as spring-cloud-consul's
 * {@code @ConditionalOnConsulEnabled} does for Consul).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnProperty(name = "enabled", matchIfMissing = true)
public @interface ConditionalOnPlatformFeature {

	/**
	 * The feature's properties prefix, e.g. {@code platform.client}.
	 * @return the prefix
	 */
	@AliasFor(annotation = ConditionalOnProperty.class, attribute = "prefix")
	String value();

}
