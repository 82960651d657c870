package dev.microplatform.starter.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.microplatform.starter.inbound.PlatformInboundProperties.Concurrency.Mode;
import dev.microplatform.starter.problem.ProblemSerializer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformInboundAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformInboundAutoConfiguration.class));

	@Test
	void servletServicesGetTheFilterRegisteredJustAfterTheObservationFilter() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InboundProtectionFilter.class)
				.hasSingleBean(DegradationSwitch.class)
				.hasSingleBean(PlatformInboundProperties.class);
			FilterRegistrationBean<?> registration = context.getBean(PlatformInboundAutoConfiguration.FILTER_REGISTRATION,
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isSameAs(context.getBean(InboundProtectionFilter.class));
			// Spring Boot's ServerHttpObservationFilter is at HIGHEST_PRECEDENCE + 1
			assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE + 2);
		});
	}

	@Test
	void defaultsAreAnAdaptiveConcurrencyLimitAndNoRateLimits() {
		this.contextRunner.run((context) -> {
			PlatformInboundProperties properties = context.getBean(PlatformInboundProperties.class);
			assertThat(properties.getCallerHeader()).isEqualTo("X-Caller-Id");
			assertThat(properties.getRateLimits()).isEmpty();
			assertThat(properties.getDegraded()).isEmpty();
			assertThat(properties.getConcurrency().getMode()).isEqualTo(Mode.ADAPTIVE);
			SimpleLimiter<Void> limiter = context.getBean(InboundProtectionFilter.class)
				.concurrencyLimiter()
				.orElseThrow();
			assertThat(limiter.getLimit()).isEqualTo(50);
			assertThat(statuses(context, "/greetings", 20)).containsOnly(200);
		});
	}

	@Test
	void rateLimitsAreBoundFromProperties() {
		this.contextRunner
			.withPropertyValues("platform.inbound.rate-limits.greetings.path=/greetings",
					"platform.inbound.rate-limits.greetings.limit=2",
					"platform.inbound.rate-limits.greetings.period=1h")
			.run((context) -> {
				PlatformInboundProperties.RateLimit rateLimit = context.getBean(PlatformInboundProperties.class)
					.getRateLimits()
					.get("greetings");
				assertThat(rateLimit.getPeriod()).isEqualTo(Duration.ofHours(1));
				assertThat(rateLimit.isPerCaller()).isTrue();
				assertThat(statuses(context, "/greetings", 3)).containsExactly(200, 200, 429);
				assertThat(statuses(context, "/other", 3)).containsOnly(200);
			});
	}

	@Test
	void rejectionsAreWrittenWithTheApplicationsJsonMapper() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.withPropertyValues("platform.inbound.rate-limits.greetings.path=/greetings",
					"platform.inbound.rate-limits.greetings.limit=1",
					"platform.inbound.rate-limits.greetings.period=1h")
			.run((context) -> {
				assertThat(context).hasSingleBean(ProblemSerializer.class);
				perform(context, "/greetings");
				MockHttpServletResponse rejected = perform(context, "/greetings");
				assertThat(rejected.getStatus()).isEqualTo(429);
				assertThat(rejected.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
				JsonNode problem = context.getBean(JsonMapper.class).readTree(rejected.getContentAsByteArray());
				assertThat(problem.get("type").asString()).isEqualTo("urn:problem-type:platform:rate-limited");
				assertThat(problem.get("status").asInt()).isEqualTo(429);
				// RFC 9457 extension members sit at the top level, not under "properties"
				assertThat(problem.get("endpoint").asString()).isEqualTo("greetings");
				assertThat(problem.has("properties")).isFalse();
			});
	}

	@Test
	void actuatorUnderItsConfiguredBasePathIsNeverLimited() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.base-path=/manage",
					"platform.inbound.rate-limits.all.path=/**", "platform.inbound.rate-limits.all.limit=1",
					"platform.inbound.rate-limits.all.period=1h")
			.run((context) -> {
				assertThat(statuses(context, "/manage/health", 3)).containsOnly(200);
				assertThat(statuses(context, "/actuator/health", 2)).containsExactly(200, 429);
			});
	}

	@Test
	void publishesMetricsWhenThereIsAMeterRegistry() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues("platform.inbound.concurrency.mode=fixed",
					"platform.inbound.concurrency.fixed-limit=7")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("platform.inbound.concurrency.limit").gauge().value()).isEqualTo(7);
				assertThat(registry.get("platform.inbound.concurrency.in.flight").gauge().value()).isZero();
				assertThat(registry.get("platform.inbound.concurrency.rejected").functionCounter().count()).isZero();
			});
	}

	@Test
	void aConfigurationRefreshAppliesNewRateLimitsAndConcurrencyLimits() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesRebinderAutoConfiguration.class))
			.run((context) -> {
				InboundProtectionFilter filter = context.getBean(InboundProtectionFilter.class);
				assertThat(statuses(context, "/greetings", 3)).containsOnly(200);
				DegradationSwitchTests.refresh(context.getSourceApplicationContext(),
						Map.of("platform.inbound.rate-limits.greetings.path", "/greetings",
								"platform.inbound.rate-limits.greetings.limit", "1",
								"platform.inbound.rate-limits.greetings.period", "1h",
								"platform.inbound.concurrency.mode", "fixed",
								"platform.inbound.concurrency.fixed-limit", "3"));
				assertThat(statuses(context, "/greetings", 2)).containsExactly(200, 429);
				assertThat(filter.concurrencyLimiter().orElseThrow().getLimit()).isEqualTo(3);
			});
	}

	@Test
	void invalidSettingsFailTheStartNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("platform.inbound.rate-limits.greetings.path=/greetings",
					"platform.inbound.rate-limits.greetings.limit=0",
					"platform.inbound.concurrency.min-limit=20", "platform.inbound.concurrency.initial-limit=5")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("platform.inbound.rate-limits.greetings.limit must be at least 1 but was 0")
					.hasMessageContaining("platform.inbound.concurrency.initial-limit must be between min-limit (20)");
			});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnBeans() {
		this.contextRunner.withUserConfiguration(OwnBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(InboundProtectionFilter.class).hasSingleBean(DegradationSwitch.class);
			assertThat(context.getBean(InboundProtectionFilter.class)).isSameAs(context.getBean("ownFilter"));
			assertThat(context.getBean(DegradationSwitch.class)).isSameAs(context.getBean("ownSwitch"));
			// The service's filter is still registered in the platform's place
			assertThat(context.getBean(PlatformInboundAutoConfiguration.FILTER_REGISTRATION, FilterRegistrationBean.class)
				.getFilter()).isSameAs(context.getBean("ownFilter"));
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.inbound.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(InboundProtectionFilter.class)
				.doesNotHaveBean(DegradationSwitch.class)
				.doesNotHaveBean(PlatformInboundAutoConfiguration.FILTER_REGISTRATION);
		});
	}

	@Test
	void absentWithoutBucket4j() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Bucket.class))
			.run((context) -> assertThat(context).doesNotHaveBean(InboundProtectionFilter.class)
				.doesNotHaveBean(DegradationSwitch.class));
	}

	@Test
	void absentOutsideServletApplications() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlatformInboundAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(InboundProtectionFilter.class)
				.doesNotHaveBean(DegradationSwitch.class));
	}

	private static List<Integer> statuses(AssertableWebApplicationContext context, String path, int requests)
			throws Exception {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			statuses.add(perform(context, path).getStatus());
		}
		return statuses;
	}

	private static MockHttpServletResponse perform(AssertableWebApplicationContext context, String path)
			throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		context.getBean(InboundProtectionFilter.class)
			.doFilter(new MockHttpServletRequest("GET", path), response, new MockFilterChain());
		return response;
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		@Bean
		InboundProtectionFilter ownFilter() {
			return new InboundProtectionFilter(PlatformInboundProperties::new, "/actuator",
					ProblemSerializer.minimal(), System::nanoTime);
		}

		@Bean
		DegradationSwitch ownSwitch() {
			return new DegradationSwitch(PlatformInboundProperties::new);
		}

	}

}
