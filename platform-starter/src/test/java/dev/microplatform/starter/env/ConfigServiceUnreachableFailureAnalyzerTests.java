package dev.microplatform.starter.env;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.cloud.config.client.ConfigClientFailFastException;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigServiceUnreachableFailureAnalyzerTests {

	private final ConfigServiceUnreachableFailureAnalyzer analyzer = new ConfigServiceUnreachableFailureAnalyzer();

	@Test
	void noConfigServiceInConsulIsSaidInOneSentence() {
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalArgumentException("wrapped",
				new IllegalStateException("No instances found of configserver (config-service)")));
		assertThat(analysis.getDescription()).startsWith("Could not get this service's configuration: Consul lists no passing instance of config-service")
			.doesNotContain("\n");
		assertThat(analysis.getAction()).contains("spring.cloud.config.fail-fast=false");
	}

	@Test
	void aFetchThatFailsNamesWhatWentWrong() {
		FailureAnalysis analysis = this.analyzer.analyze(new ConfigClientFailFastException(
				"Could not locate PropertySource and the fail fast property is set, failing",
				new IllegalStateException("I/O error", new ConnectException("Connection refused"))));
		assertThat(analysis.getDescription()).startsWith("Could not get this service's configuration from config-service")
			.endsWith("Connection refused");
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		assertThat(this.analyzer.analyze(new IllegalStateException("something else"))).isNull();
	}

}
