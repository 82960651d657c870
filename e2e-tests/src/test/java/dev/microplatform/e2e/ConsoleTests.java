package dev.microplatform.e2e;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config console's API against the running config-service and its served repository: refused
 * edits change nothing (no commit, the file as it was), every refusal is an RFC 9457 problem, and
 * no answer carries the plain text of a {@code {cipher}} value.
 */
class ConsoleTests {

	private static final Path GREETER_YML = ServedConfigRepo.file("greeter-service.yml");

	private final ConsoleApi console = ConsoleApi.asAdmin();

	private String head;

	private String greeterYml;

	@BeforeEach
	void remember() throws Exception {
		this.head = ServedConfigRepo.git("rev-parse", "HEAD");
		this.greeterYml = Files.readString(GREETER_YML);
	}

	@AfterEach
	void restore() throws Exception {
		if (!ServedConfigRepo.git("diff", "--name-only", this.head, "HEAD", "--", "greeter-service.yml").isEmpty()) {
			Files.writeString(GREETER_YML, this.greeterYml);
			ServedConfigRepo.commit("Restore greeter-service.yml after a console test");
		}
	}

	@Test
	void malformedYamlIsRefusedWithAProblemAndNothingIsCommitted() throws Exception {
		HttpResponse<String> response = this.console.post("edits",
				ConsoleApi.edit("greeter-service.yml", "greeter.template", "\"Hello, {name}!", "unclosed quote"));

		assertProblem(response, 422, "config-console-invalid-yaml");
		assertThat((String) JsonPath.read(response.body(), "$.detail")).contains("greeter.template")
			.contains("not valid YAML");
		assertNothingChanged();
	}

	@Test
	void aWrongTypeIsRefusedNamingTheKeyAndTheExpectedType() throws Exception {
		String key = "platform.client.services.salutation-service.retry-budget.ratio";

		HttpResponse<String> response = this.console.post("edits",
				ConsoleApi.edit("greeter-service.yml", key, "a lot", "not a number"));

		assertProblem(response, 422, "config-console-wrong-type");
		assertThat((String) JsonPath.read(response.body(), "$.key")).isEqualTo(key);
		assertThat((String) JsonPath.read(response.body(), "$.expectedType")).isEqualTo("number");
		assertNothingChanged();
	}

	@Test
	void fileNamesOutsideTheRepositoryRootAreRefused() throws Exception {
		for (String file : List.of("../secrets/config-admin-password", "/etc/passwd", ".git/config",
				"sub/greeter-service.yml", "greeter-service.yml/")) {
			HttpResponse<String> response = this.console.post("edits",
					ConsoleApi.edit(file, "greeter.template", "x", "traversal"));
			assertProblem(response, 400, "config-console-bad-file-name");
		}
		assertNothingChanged();
	}

	@Test
	void onlyTheAdministratorWritesAndOnlyWithTheCsrfToken() throws Exception {
		String edit = ConsoleApi.edit("greeter-service.yml", "greeter.template", "Hi", "no token");

		assertThat(this.console.post("edits", edit, false).statusCode()).isEqualTo(403);
		assertThat(new ConsoleApi(Platform.configClient()).get("applications").statusCode()).isEqualTo(403);
		assertThat(new ConsoleApi(Map.of()).get("applications").statusCode()).isEqualTo(401);
		assertThat(new ConsoleApi(Platform.basicAuth("config-admin", "wrong-password-0123456789")).get("files")
			.statusCode()).isEqualTo(401);
		assertNothingChanged();
	}

	@Test
	void noAnswerCarriesThePlainTextOfACipherValue() throws Exception {
		String plaintext = "console-plaintext-" + System.nanoTime();
		HttpResponse<String> encrypted = Platform.send(HttpRequest.newBuilder(Platform.CONFIG_SERVICE.resolve("/encrypt"))
			.header("Authorization", Platform.configAdmin().get("Authorization"))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString(plaintext))
			.build());
		assertThat(encrypted.statusCode()).as(encrypted.body()).isEqualTo(200);
		String cipher = encrypted.body().trim();

		HttpResponse<String> edited = this.console.post("edits", ConsoleApi.edit("greeter-service.yml",
				"greeter.console-probe", "'{cipher}" + cipher + "'", "A sealed probe"));
		assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
		String commit = JsonPath.read(edited.body(), "$.commit.id");
		assertThat(Files.readString(GREETER_YML)).contains("greeter.console-probe: '{cipher}" + cipher + "'");

		HttpResponse<String> configuration = this.console.get("applications/greeter-service/default");
		assertThat(configuration.statusCode()).isEqualTo(200);
		List<Object> probe = JsonPath.read(configuration.body(), "$.properties[?(@.key == 'greeter.console-probe')].value");
		assertThat(probe).containsExactly("******");
		List<String> answers = List.of(edited.body(), configuration.body(), this.console.get("applications").body(),
				this.console.get("commits").body(), this.console.get("commits/" + commit).body(),
				this.console.get("refreshes").body());
		for (String answer : answers) {
			assertThat(answer).doesNotContain(plaintext).doesNotContain(cipher);
		}

		HttpResponse<String> rollback = this.console.post("commits/" + this.head + "/rollback", "{}");
		assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
		assertThat(rollback.body()).doesNotContain(plaintext);
		assertThat(ServedConfigRepo.git("diff", "--name-only", this.head, "HEAD")).isEmpty();
		assertThat(ServedConfigRepo.git("log", "-1", "--format=%an|%s")).startsWith("config-admin|Roll back to "
				+ this.head.substring(0, 7));
	}

	private void assertNothingChanged() throws Exception {
		assertThat(ServedConfigRepo.git("rev-parse", "HEAD")).as("no commit").isEqualTo(this.head);
		assertThat(Files.readString(GREETER_YML)).as("greeter-service.yml as it was").isEqualTo(this.greeterYml);
		assertThat(ServedConfigRepo.git("status", "--porcelain")).as("nothing left uncommitted").isEmpty();
	}

	private static void assertProblem(HttpResponse<String> response, int status, String type) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat((String) JsonPath.read(response.body(), "$.type")).isEqualTo("urn:problem-type:platform:" + type);
		assertThat((Integer) JsonPath.read(response.body(), "$.status")).isEqualTo(status);
	}

}
