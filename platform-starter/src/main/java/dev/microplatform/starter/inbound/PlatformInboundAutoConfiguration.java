package dev.microplatform.starter.inbound;

import dev.microplatform.starter.condition.ConditionalOnPlatformFeature;
import dev.microplatform.starter.problem.ProblemSerializer;
import dev.microplatform.starter.refresh.LiveProperties;
import com.netflix.concurrency.limits.Limiter;
import io.github.bucket4j.Bucket;
import jakarta.servlet.Filter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Inbound protection for servlet services: per-endpoint (and per-caller) rate limits and a
 * service-wide concurrency limit, enforced by an {@link InboundProtectionFilter} that runs
 * just after Spring Boot's observation filter, and a {@link DegradationSwitch} that
 * endpoints ask whether to serve their fallback.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class, FilterRegistrationBean.class, Bucket.class, Limiter.class })
@ConditionalOnPlatformFeature(PlatformInboundProperties.PREFIX)
@EnableConfigurationProperties(PlatformInboundProperties.class)
public class PlatformInboundAutoConfiguration {

	/** Bean name of the registration of the {@link InboundProtectionFilter}. */
	public static final String FILTER_REGISTRATION = "inboundProtectionFilterRegistration";

	/** Bean name of the registration of the {@link DeadlineFilter}. */
	public static final String DEADLINE_FILTER_REGISTRATION = "deadlineFilterRegistration";

	@Bean
	@ConditionalOnMissingBean
	InboundProtectionFilter inboundProtectionFilter(LiveProperties<PlatformInboundProperties> platformInboundSettings,
			ObjectProvider<ProblemSerializer> problemSerializer, Environment environment) {
		return new InboundProtectionFilter(platformInboundSettings, actuatorBasePath(environment),
				problemSerializer.getIfAvailable(ProblemSerializer::minimal), System::nanoTime);
	}

	@Bean(name = FILTER_REGISTRATION)
	@ConditionalOnMissingBean(name = FILTER_REGISTRATION)
	FilterRegistrationBean<InboundProtectionFilter> inboundProtectionFilterRegistration(
			InboundProtectionFilter filter) {
		FilterRegistrationBean<InboundProtectionFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(InboundProtectionFilter.ORDER);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlineFilter deadlineFilter(ObjectProvider<ProblemSerializer> problemSerializer) {
		return new DeadlineFilter(problemSerializer.getIfAvailable(ProblemSerializer::minimal));
	}

	@Bean(name = DEADLINE_FILTER_REGISTRATION)
	@ConditionalOnMissingBean(name = DEADLINE_FILTER_REGISTRATION)
	FilterRegistrationBean<DeadlineFilter> deadlineFilterRegistration(DeadlineFilter filter) {
		FilterRegistrationBean<DeadlineFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(DeadlineFilter.ORDER);
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	DegradationSwitch degradationSwitch(LiveProperties<PlatformInboundProperties> platformInboundSettings) {
		return new DegradationSwitch(platformInboundSettings);
	}

	/**
	 * The settings as the filter and the switch read them: swapped whole on a configuration change,
	 * never seen half rebound.
	 */
	@Bean
	LiveProperties<PlatformInboundProperties> platformInboundSettings(PlatformInboundProperties properties,
			Environment environment) {
		return new LiveProperties<>(environment, PlatformInboundProperties.PREFIX, PlatformInboundProperties.class,
				properties, new PlatformInboundProperties());
	}

	/**
	 * The actuator's base path as the filter sees it, below the dispatcher servlet's path.
	 */
	private static String actuatorBasePath(Environment environment) {
		String servletPath = environment.getProperty("spring.mvc.servlet.path", "/");
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		if (basePath.isEmpty() || basePath.equals("/")) {
			// Endpoints at the root can't be told apart from the service's own by prefix
			return "";
		}
		return stripTrailingSlash(servletPath) + (basePath.startsWith("/") ? basePath : "/" + basePath);
	}

	private static String stripTrailingSlash(String path) {
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JsonMapper.class, ProblemDetailJacksonMixin.class })
	static class JacksonProblemSerializerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProblemSerializer inboundProblemSerializer(ObjectProvider<JsonMapper> jsonMapper) {
			JsonMapper applicationMapper = jsonMapper.getIfUnique();
			if (applicationMapper == null) {
				return ProblemSerializer.minimal();
			}
			// The application's settings, with the RFC 9457 layout even if its mapper lacks it
			JsonMapper mapper = applicationMapper.rebuild()
				.addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class)
				.build();
			return mapper::writeValueAsBytes;
		}

	}

}
