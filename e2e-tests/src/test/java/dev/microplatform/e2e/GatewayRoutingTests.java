package dev.microplatform.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API consumers reach the greeter through the gateway, which balances over the instances in Consul.
 */
class GatewayRoutingTests {

	@Test
	void twentyGreetingsAllSucceedAndBothInstancesServeSome() {
		Set<String> instances = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> response = Platform.greet("Ada");
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			instances.add(JsonPath.read(response.body(), "$.instance"));
		}
		assertThat(instances).hasSize(2).containsExactlyInAnyOrderElementsOf(Platform.passingIds("greeter-service"));
	}

	@Test
	void greetingTextComesFromTheConfigRepository() throws IOException {
		String template = templateIn(Platform.ROOT.resolve("config-repo/greeter-service.yml"));
		assertThat(template).as("the repository's template, not the built-in default").isNotEqualTo("Hello, {name}!");
		HttpResponse<String> response = Platform.greet("Ada");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat((String) JsonPath.read(response.body(), "$.message")).isEqualTo(template.replace("{name}", "Ada"));
	}

	@Test
	void overLongNameIsABadRequestProblemNamingTheField() {
		HttpResponse<String> response = Platform.greet("a".repeat(1000));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat((Integer) JsonPath.read(response.body(), "$.status")).isEqualTo(400);
		assertThat((String) JsonPath.read(response.body(), "$.errors[0].field")).isEqualTo("name");
	}

	@SuppressWarnings("unchecked")
	private static String templateIn(java.nio.file.Path file) throws IOException {
		Map<String, Object> yaml = new Yaml().load(Files.readString(file));
		return (String) ((Map<String, Object>) yaml.get("greeter")).get("template");
	}

}
