package dev.microplatform.starter.env;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.bus.BusBridge;
import org.springframework.cloud.bus.event.AckRemoteApplicationEvent;
import org.springframework.cloud.bus.event.PathDestinationFactory;
import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.cloud.stream.binder.test.OutputDestination;
import org.springframework.cloud.stream.binder.test.TestChannelBinderConfiguration;
import org.springframework.cloud.stream.binding.BindingService;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus sends every event (each refresh's acknowledgement) through the output binding made at
 * start-up, to the bus's destination, with the platform's defaults.
 */
class BusOutputBindingTests {

	private static final int EVENTS = 12;

	@Test
	void everyEventGoesOutThroughTheOneBindingMadeAtStartUp() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(
				TestChannelBinderConfiguration.getCompleteConfiguration(BusApplication.class))
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "spring.cloud.config.enabled=false",
					"spring.cloud.consul.enabled=false", "spring.cloud.stream.default-binder=integration")
			.run()) {
			BindingService bindings = context.getBean(BindingService.class);
			assertThat(bindings.getProducerBindingNames()).containsExactly("springCloudBusOutput");
			Object startUpBinding = bindings.getProducerBinding("springCloudBusOutput");

			BusBridge bus = context.getBean(BusBridge.class);
			OutputDestination destination = context.getBean(OutputDestination.class);
			for (int i = 0; i < EVENTS; i++) {
				bus.send(new AckRemoteApplicationEvent(this, "orders:default:orders-1",
						new PathDestinationFactory().getDestination(null), "orders:**", "refresh-" + i,
						RefreshRemoteApplicationEvent.class));
				assertThat(destination.receive(1000, "springCloudBus")).as("event %d on the bus", i).isNotNull();
			}
			assertThat(bindings.getProducerBindingNames()).containsExactly("springCloudBusOutput");
			assertThat(bindings.getProducerBinding("springCloudBusOutput")).isSameAs(startUpBinding);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BusApplication {

	}

}
