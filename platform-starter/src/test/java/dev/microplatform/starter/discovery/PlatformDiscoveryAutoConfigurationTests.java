package dev.microplatform.starter.discovery;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformDiscoveryAutoConfiguration.class));

	@Test
	void addsDefaultVersionAndZoneToTheRegistration() {
		this.contextRunner.run((context) -> {
			ConsulRegistration registration = registration(Map.of());
			context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
			assertThat(registration.getService().getMeta()).containsEntry("version", "unknown")
				.containsEntry("zone", "default");
		});
	}

	@Test
	void publishesConfiguredVersionAndZoneAndKeepsOtherMetadata() {
		this.contextRunner.withPropertyValues("platform.discovery.version=1.2.3", "platform.discovery.zone=eu-1")
			.run((context) -> {
				ConsulRegistration registration = registration(Map.of("team", "greetings"));
				context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
				assertThat(registration.getService().getMeta()).containsEntry("version", "1.2.3")
					.containsEntry("zone", "eu-1")
					.containsEntry("team", "greetings");
			});
	}

	@Test
	void publishesWhereTheMetricsAreOnTheServicesOwnPort() {
		this.contextRunner.run((context) -> {
			ConsulRegistration registration = registration(Map.of());
			context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
			assertThat(registration.getService().getMeta()).containsEntry("metrics_path", "/actuator/prometheus")
				.doesNotContainKey("management_port");
		});
	}

	@Test
	void publishesTheActuatorsOwnPortAndPaths() {
		this.contextRunner
			.withPropertyValues("management.server.port=8079", "management.server.base-path=/ops",
					"management.endpoints.web.base-path=/manage",
					"management.endpoints.web.path-mapping.prometheus=metrics-for-prometheus")
			.run((context) -> {
				ConsulRegistration registration = registration(Map.of());
				context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
				assertThat(registration.getService().getMeta()).containsEntry("management_port", "8079")
					.containsEntry("metrics_path", "/ops/manage/metrics-for-prometheus");
			});
	}

	@Test
	void zoneSetThroughSpringCloudConsulWins() {
		this.contextRunner.withPropertyValues("platform.discovery.zone=eu-1").run((context) -> {
			ConsulRegistration registration = registration(Map.of("zone", "us-2"));
			context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
			assertThat(registration.getService().getMeta()).containsEntry("zone", "us-2");
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwnCustomizer() {
		this.contextRunner.withUserConfiguration(OwnCustomizer.class).run((context) -> {
			assertThat(context).hasSingleBean(PlatformRegistrationMetadataCustomizer.class);
			assertThat(context.getBean(PlatformRegistrationMetadataCustomizer.class))
				.isSameAs(context.getBean("ownCustomizer"));
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("platform.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsulRegistrationCustomizer.class));
	}

	@Test
	void absentWithoutSpringCloudConsul() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ConsulRegistrationCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PlatformRegistrationMetadataCustomizer.class));
	}

	private static ConsulRegistration registration(Map<String, String> meta) {
		NewService service = new NewService();
		service.setId("greeter-service-1");
		service.setName("greeter-service");
		service.setMeta(new java.util.HashMap<>(meta));
		return new ConsulRegistration(service,
				new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties())));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCustomizer {

		@Bean
		PlatformRegistrationMetadataCustomizer ownCustomizer() {
			return new PlatformRegistrationMetadataCustomizer(new PlatformDiscoveryProperties(), null);
		}

	}

}
