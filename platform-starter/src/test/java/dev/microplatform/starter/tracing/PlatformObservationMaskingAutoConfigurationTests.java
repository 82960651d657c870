package dev.microplatform.starter.tracing;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformObservationMaskingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PlatformObservationMaskingAutoConfiguration.class));

	@Test
	void masksCredentialsInEveryRecordedUrlByDefault() {
		this.contextRunner.run((context) -> {
			ObservationFilter filter = context.getBean("credentialMaskingObservationFilter", ObservationFilter.class);
			Observation.Context observed = new Observation.Context();
			observed.addHighCardinalityKeyValue(KeyValue.of("http.uri", "http://greeter/greetings?name=Ada&api_key=k1"));
			observed.addLowCardinalityKeyValue(KeyValue.of("uri", "/greetings?token=t1"));
			observed.addLowCardinalityKeyValue(KeyValue.of("method", "GET"));
			filter.map(observed);
			assertThat(observed.getHighCardinalityKeyValue("http.uri").getValue())
				.isEqualTo("http://greeter/greetings?name=Ada&api_key=******");
			assertThat(observed.getLowCardinalityKeyValue("uri").getValue()).isEqualTo("/greetings?token=******");
			assertThat(observed.getLowCardinalityKeyValue("method").getValue()).isEqualTo("GET");
		});
	}

	@Test
	void theListIsASetting() {
		this.contextRunner.withPropertyValues("platform.tracing.masked-parameters=ticket").run((context) -> {
			ObservationFilter filter = context.getBean("credentialMaskingObservationFilter", ObservationFilter.class);
			Observation.Context observed = new Observation.Context();
			observed.addHighCardinalityKeyValue(KeyValue.of("http.url", "/a?ticket=t&api_key=k"));
			filter.map(observed);
			assertThat(observed.getHighCardinalityKeyValue("http.url").getValue()).isEqualTo("/a?ticket=******&api_key=k");
		});
	}

	@Test
	void backsOffWhenTheServiceDefinesItsOwn() {
		ObservationFilter own = (context) -> context;
		this.contextRunner.withBean("credentialMaskingObservationFilter", ObservationFilter.class, () -> own)
			.run((context) -> assertThat(context.getBean("credentialMaskingObservationFilter")).isSameAs(own));
	}

	@Test
	void absentWithoutMicrometerObservation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationFilter.class))
			.run((context) -> assertThat(context).doesNotHaveBean("credentialMaskingObservationFilter"));
	}

}
