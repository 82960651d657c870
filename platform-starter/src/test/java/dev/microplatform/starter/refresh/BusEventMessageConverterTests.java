package dev.microplatform.starter.refresh;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.bus.event.AckRemoteApplicationEvent;
import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;
import org.springframework.cloud.bus.event.UnknownRemoteApplicationEvent;
import org.springframework.cloud.bus.jackson.BusJacksonAutoConfiguration;
import org.springframework.cloud.bus.jackson.RemoteApplicationEventScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

class BusEventMessageConverterTests {

	private static final String REFRESH = """
			{"type":"RefreshRemoteApplicationEvent","timestamp":1764216000000,\
			"originService":"config-service:default:config-service-1","destinationService":"greeter-service:**",\
			"id":"a7b0e8a2-3c1b-4d5e-9f00-1234567890ab"}""";

	private static final String ACK = """
			{"type":"AckRemoteApplicationEvent","timestamp":1764216000001,\
			"originService":"greeter-service:default:greeter-service-1","destinationService":"**",\
			"id":"b7b0e8a2-3c1b-4d5e-9f00-1234567890ab","ackId":"a7b0e8a2-3c1b-4d5e-9f00-1234567890ab",\
			"ackDestinationService":"greeter-service:**",\
			"event":"org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent"}""";

	private static final String UNKNOWN = REFRESH.replace("RefreshRemoteApplicationEvent", "InventoryChangedEvent");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RefreshAutoConfiguration.class,
				ConfigurationPropertiesRebinderAutoConfiguration.class, PlatformRefreshAutoConfiguration.class,
				BusJacksonAutoConfiguration.class));

	/** The converter as an application has it: over Boot's JSON mapper. */
	private final MessageConverter converter = new BusEventMessageConverter(
			JsonMapper.builder().findAndAddModules().build());

	@Test
	void readsTheEventsTheBusSendsAsBytes() {
		Object event = read(REFRESH.getBytes(StandardCharsets.UTF_8));
		assertThat(event).isInstanceOfSatisfying(RefreshRemoteApplicationEvent.class, (refresh) -> {
			assertThat(refresh.getOriginService()).isEqualTo("config-service:default:config-service-1");
			assertThat(refresh.getDestinationService()).isEqualTo("greeter-service:**");
			assertThat(refresh.getId()).isEqualTo("a7b0e8a2-3c1b-4d5e-9f00-1234567890ab");
		});
	}

	@Test
	void readsThemAsTextToo() {
		assertThat(read(ACK)).isInstanceOfSatisfying(AckRemoteApplicationEvent.class, (ack) -> {
			assertThat(ack.getOriginService()).isEqualTo("greeter-service:default:greeter-service-1");
			assertThat(ack.getEvent()).isEqualTo(RefreshRemoteApplicationEvent.class);
		});
	}

	@Test
	void readsTheSameTypeAgainAlike() {
		for (int i = 0; i < 3; i++) {
			assertThat(read(REFRESH)).isInstanceOf(RefreshRemoteApplicationEvent.class);
			assertThat(read(ACK)).isInstanceOf(AckRemoteApplicationEvent.class);
		}
	}

	@Test
	void passesAnEventOfAnUnknownTypeOnAsUnknown() {
		assertThat(read(UNKNOWN)).isInstanceOfSatisfying(UnknownRemoteApplicationEvent.class, (unknown) -> {
			assertThat(unknown.getTypeInfo()).isEqualTo("InventoryChangedEvent");
			assertThat(unknown.getPayloadAsString()).isEqualTo(UNKNOWN);
		});
	}

	@Test
	void dropsWhatIsNotJson() {
		assertThat(read("{\"type\":")).isNull();
	}

	@Test
	void readsEveryMessageAsTheBusOwnConverterDoes() {
		this.contextRunner.run((ours) -> this.contextRunner.withUserConfiguration(BusEventsApplication.class)
			.run((bus) -> {
				MessageConverter converter = ours.getBean("busJsonConverter", MessageConverter.class);
				MessageConverter busConverter = bus.getBean("busJsonConverter", MessageConverter.class);
				assertThat(converter).isNotSameAs(busConverter).isInstanceOf(BusEventMessageConverter.class);
				for (Object payload : new Object[] { REFRESH.getBytes(StandardCharsets.UTF_8), ACK, UNKNOWN, "{\"type\":", "[1, 2]" }) {
					Object expected = read(busConverter, payload);
					Object actual = read(converter, payload);
					// An unknown event, made here, has a new id and time like any other
					assertThat(actual).as("%s", payload)
						.usingRecursiveComparison()
						.ignoringFields("source", "timestamp", (expected instanceof UnknownRemoteApplicationEvent) ? "id" : "")
						.isEqualTo(expected);
				}
			}));
	}

	@Test
	void takesTheBusConverterPlace() {
		this.contextRunner.run((context) -> assertThat(context).getBean("busJsonConverter")
			.isInstanceOf(BusEventMessageConverter.class));
	}

	@Test
	void leavesTheBusConverterToApplicationsScanningForTheirOwnEvents() {
		this.contextRunner.withUserConfiguration(ScanningApplication.class)
			.run((context) -> assertThat(context).getBean("busJsonConverter")
				.isNotInstanceOf(BusEventMessageConverter.class)
				.extracting((converter) -> converter.getClass().getSimpleName())
				.isEqualTo("BusJacksonMessageConverter"));
	}

	@Test
	void isNotThereWithoutTheBus() {
		this.contextRunner.withPropertyValues("spring.cloud.bus.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("busJsonConverter"));
	}

	private Object read(Object payload) {
		return read(this.converter, payload);
	}

	private static Object read(MessageConverter converter, Object payload) {
		Message<?> message = MessageBuilder.withPayload(payload).setHeader("contentType", "application/json").build();
		return converter.fromMessage(message, RemoteApplicationEvent.class);
	}

	@Configuration(proxyBeanMethods = false)
	@RemoteApplicationEventScan(basePackages = "com.example.inventory.events")
	static class ScanningApplication {

	}

	/** Has the bus register its own converter, for the bus's events alone. */
	@Configuration(proxyBeanMethods = false)
	@RemoteApplicationEventScan(basePackageClasses = RemoteApplicationEvent.class)
	static class BusEventsApplication {

	}

}
