package dev.microplatform.config.console;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class YamlPropertyEditorTests {

	private static final String YAML = """
			# The greeting every greeter renders
			greeter:
			  template: "Hello, {name}!"   # {name}: who is greeted
			  enabled: true
			platform.inbound.rate-limits.greetings:
			  limit: 50
			  period: 1s
			""";

	private final YamlPropertyEditor editor = new YamlPropertyEditor();

	@Test
	void replacesOnlyTheValueKeepingCommentsAndLayout() {
		String edited = this.editor.set("greeter-service.yml", YAML, "greeter.template", "\"Hi, {name}: welcome\"");

		assertThat(edited).isEqualTo(YAML.replace("\"Hello, {name}!\"", "\"Hi, {name}: welcome\""));
	}

	@Test
	void plainTextIsWrittenAsTyped() {
		String edited = this.editor.set("greeter-service.yml", YAML, "greeter.template", "Hi, {name}!");

		assertThat(edited).contains("  template: Hi, {name}!   # {name}: who is greeted\n");
		assertThat(this.editor.flatten("f", edited)).containsEntry("greeter.template", "Hi, {name}!");
	}

	@Test
	void findsKeysWrittenWithDotsAndNested() {
		String edited = this.editor.set("f.yml", YAML, "platform.inbound.rate-limits.greetings.limit", "80");

		assertThat(edited).contains("  limit: 80\n").contains("  period: 1s\n");
	}

	@Test
	void appendsANewKeyAsOneDottedLine() {
		String edited = this.editor.set("f.yml", YAML, "greeter.farewell", "Bye");

		assertThat(edited).isEqualTo(YAML + "greeter.farewell: Bye\n");
	}

	@Test
	void refusesMalformedYaml() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", YAML, "greeter.template", "\"Hello, {name}!"))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
				assertThat(ex.toProblemDetail().getType().toString()).endsWith("invalid-yaml");
				assertThat(ex.getMessage()).contains("greeter.template").contains("not valid YAML");
			});
	}

	@Test
	void refusesAMappingWhereAValueBelongs() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", YAML, "greeter.template", "Hello: world"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("mapping").contains("quote"));
	}

	@Test
	void refusesTextWhereANumberIs() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", YAML, "platform.inbound.rate-limits.greetings.limit", "lots"))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
				assertThat(ex.toProblemDetail().getProperties()).containsEntry("key",
						"platform.inbound.rate-limits.greetings.limit")
					.containsEntry("expectedType", "number");
			});
	}

	@Test
	void refusesANumberWhereABooleanIs() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", YAML, "greeter.enabled", "1"))
			.satisfies((ex) -> assertThat(ex.toProblemDetail().getProperties()).containsEntry("expectedType",
					"boolean"));
	}

	@Test
	void refusesReplacingASectionWithAValue() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", YAML, "greeter", "x"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("section"));
	}

	@Test
	void refusesAKeyThatIsNotOne() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", YAML, "../etc", "x"))
			.satisfies((ex) -> assertThat(ex.toProblemDetail().getProperties()).containsEntry("field", "key"));
	}

	@Test
	void refusesToEditAFileThatDoesNotParse() {
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.set("f.yml", "a: [1, 2\n", "a", "3"))
			.satisfies((ex) -> assertThat(ex.toProblemDetail().getProperties()).containsEntry("field", "file"));
	}

}
