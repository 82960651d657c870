package dev.microplatform.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every part of the infrastructure answers only those holding this machine's credentials, which the
 * launcher generated into {@code .platform/secrets/}: Redis, RabbitMQ (no {@code guest}), Consul (ACLs,
 * denying by default) and Alertmanager.
 */
class InfrastructureCredentialsTests {

	@Test
	void redisAnswersOnlyWithItsPasswordAndDoesNotRunAsRoot() throws Exception {
		assertThat(redisCli(Map.of(), "ping")).contains("NOAUTH").doesNotContain("PONG");
		assertThat(redisCli(Map.of("REDISCLI_AUTH", "wrong-password"), "ping")).doesNotContain("PONG");
		assertThat(redisCli(Map.of("REDISCLI_AUTH", Platform.secret("redis-password")), "ping").trim()).isEqualTo("PONG");
		assertThat(ProcessHandle.of(Platform.pidOf("redis")).flatMap((redis) -> redis.info().user())).contains("redis");
	}

	@Test
	void rabbitMqRefusesGuestAndAcceptsThePlatformsAccount() throws Exception {
		assertThatExceptionOfType(AuthenticationFailureException.class).isThrownBy(() -> amqp("guest", "guest").close());
		assertThatExceptionOfType(AuthenticationFailureException.class)
			.isThrownBy(() -> amqp("platform", "wrong-password").close());
		try (Connection connection = amqp("platform", Platform.secret("rabbitmq-password"))) {
			assertThat(connection.isOpen()).isTrue();
		}
	}

	@Test
	void consulListsAndRegistersNothingWithoutAToken() {
		assertThat(catalog(Map.of())).doesNotContain("greeter-service", "gateway-service");
		assertThat(catalog(Map.of("X-Consul-Token", "00000000-0000-0000-0000-000000000000"))).doesNotContain("greeter-service");
		assertThat(catalog(Map.of("X-Consul-Token", Platform.secret("consul-services-token"))))
			.contains("greeter-service", "salutation-service", "gateway-service", "config-service");
		// Prometheus' token reads, and so does it find every service
		assertThat(catalog(Map.of("X-Consul-Token", Platform.secret("consul-prometheus-token")))).contains("greeter-service");

		String registration = "{\"ID\": \"intruder-1\", \"Name\": \"intruder\", \"Address\": \"127.0.0.1\", \"Port\": 1}";
		assertThat(register(Map.of(), registration)).isEqualTo(403);
		assertThat(register(Map.of("X-Consul-Token", Platform.secret("consul-prometheus-token")), registration))
			.isEqualTo(403);
		assertThat(Platform.consul("/v1/catalog/services").body()).doesNotContain("intruder");
	}

	@Test
	void alertmanagersApiAnswersOnlyItsAccount() {
		for (String path : List.of("/api/v2/alerts", "/api/v2/silences", "/api/v2/status", "/-/ready")) {
			assertThat(Platform.get(Platform.ALERTMANAGER, path).statusCode()).as(path).isEqualTo(401);
			assertThat(Platform.get(Platform.ALERTMANAGER, path, Platform.basicAuth("platform", "wrong-password"))
				.statusCode()).as(path).isEqualTo(401);
			assertThat(Platform.get(Platform.ALERTMANAGER, path, Platform.alertmanagerAccount()).statusCode()).as(path)
				.isEqualTo(200);
		}
	}

	private static String catalog(Map<String, String> headers) {
		return Platform.get(Platform.CONSUL, "/v1/catalog/services", headers).body();
	}

	private static int register(Map<String, String> headers, String registration) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Platform.CONSUL + "/v1/agent/service/register"))
			.PUT(HttpRequest.BodyPublishers.ofString(registration));
		headers.forEach(request::header);
		return Platform.send(request.build()).statusCode();
	}

	private static Connection amqp(String username, String password) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(5672);
		factory.setUsername(username);
		factory.setPassword(password);
		factory.setConnectionTimeout(5000);
		factory.setAutomaticRecoveryEnabled(false);
		return factory.newConnection("InfrastructureCredentialsTests");
	}

	/** What redis-cli printed, output and errors; the password, if any, in its environment. */
	private static String redisCli(Map<String, String> environment, String... command) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("redis-cli", "-p", "6379"), Stream.of(command)).toList())
			.redirectErrorStream(true);
		builder.environment().remove("REDISCLI_AUTH");
		builder.environment().putAll(environment);
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return output;
	}

}
