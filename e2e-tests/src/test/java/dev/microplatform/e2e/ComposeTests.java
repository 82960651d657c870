package dev.microplatform.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml (for ops; no Docker engine runs here) describes the platform the launcher
 * runs: the same components, ports and settings that matter, and what ops expect of a compose
 * file: pinned images, health checks that gate start-up order, memory limits, no secrets.
 */
class ComposeTests {

	private static Map<String, Map<String, Object>> services;

	private static String launcher;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void read() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Platform.ROOT.resolve("docker-compose.yml")));
		services = (Map<String, Map<String, Object>>) compose.get("services");
		launcher = Files.readString(Platform.ROOT.resolve("platform"));
	}

	@Test
	void composeRunsTheComponentsTheLauncherRunsWithAsManyReplicas() {
		Map<String, Integer> launched = new HashMap<>();
		for (String component : launcherArray("COMPONENTS")) {
			launched.merge(component.replaceAll("-\\d+$", ""), 1, Integer::sum);
		}
		// Grafana is compose-only: the launcher has no Debian package for it, and tests read the
		// dashboards' queries from Prometheus directly (DashboardTests).
		assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(
				union(launched.keySet(), Set.of("grafana")));
		launched.forEach((service, count) -> assertThat(replicas(services.get(service))).as(service).isEqualTo(count));
	}

	@Test
	void composePublishesTheLaunchersPortsAndServicesListenWhereTheLauncherRunsThem() {
		Map<String, String> published = Map.of("consul", "CONSUL_PORT", "zipkin", "ZIPKIN_PORT", "prometheus",
				"PROMETHEUS_PORT", "alertmanager", "ALERTMANAGER_PORT", "config-service", "CONFIG_PORT",
				"gateway-service", "GATEWAY_PORT");
		published.forEach((service, variable) -> {
			String port = launcherValue(variable);
			// Published on the host's loopback only, as the launcher binds them
			assertThat(list(services.get(service).get("ports"))).as(service).containsExactly("127.0.0.1:" + port + ":" + port);
		});
		// Inside their network the services listen on their container's interfaces (loopback by default)
		for (String service : List.of("config-service", "greeter-service", "salutation-service", "gateway-service")) {
			assertThat(environment(service)).as(service).containsEntry("PLATFORM_BIND_ADDRESS", "0.0.0.0");
		}
		assertThat(environment("greeter-service")).containsEntry("SERVER_PORT", launcherArray("GREETER_PORTS").get(0));
		assertThat(environment("salutation-service")).containsEntry("SERVER_PORT",
				launcherArray("SALUTATION_PORTS").get(0));
		// Services are reached through the gateway, and its management port is not published.
		for (String service : List.of("greeter-service", "salutation-service")) {
			assertThat(services.get(service)).as(service).doesNotContainKey("ports");
		}
		assertThat(environment("gateway-service")).containsEntry("MANAGEMENT_SERVER_PORT", "8079");
		assertThat(list(services.get("gateway-service").get("ports"))).noneMatch((port) -> port.contains("8079"));
	}

	@Test
	void everyImageIsPinnedAndEveryServiceOfOursIsBuiltFromTheSharedDockerfile() throws IOException {
		services.forEach((name, service) -> {
			String image = (String) service.get("image");
			assertThat(image).as(name).isNotNull().matches(".+:[^:]*\\d[^:]*").doesNotEndWith(":latest");
		});
		String dockerfile = Files.readString(Platform.ROOT.resolve("Dockerfile"));
		for (String module : List.of("config-service", "salutation-service", "greeter-service", "gateway-service")) {
			Map<String, Object> build = map(services.get(module).get("build"));
			assertThat(build).as(module).containsEntry("dockerfile", "Dockerfile");
			assertThat(map(build.get("args"))).as(module).containsEntry("SERVICE", module);
			assertThat(Platform.ROOT.resolve(module).resolve("pom.xml")).exists();
			assertThat(dockerfile).as("Dockerfile copies " + module + "'s pom").contains("COPY " + module + "/pom.xml");
		}
		assertThat(dockerfile).contains("-Djarmode=tools", "extract --layers", "USER app", "HEALTHCHECK",
				"MaxRAMPercentage");
		assertThat(dockerfile.lines().filter((line) -> line.startsWith("FROM "))).hasSizeGreaterThan(1);
	}

	@Test
	void everyServiceHasAHealthCheckThatGatesItsDependentsAndAMemoryLimit() {
		services.forEach((name, service) -> {
			boolean built = service.containsKey("build");
			assertThat(built || service.containsKey("healthcheck")).as(name + " has a health check").isTrue();
			assertThat(map(map(map(service.get("deploy")).get("resources")).get("limits"))).as(name)
				.containsKey("memory");
			Object dependsOn = service.get("depends_on");
			if (dependsOn != null) {
				map(dependsOn).forEach((dependency, condition) -> {
					assertThat(services).as(name + " depends on " + dependency).containsKey(dependency);
					assertThat(map(condition)).as(name + " waits for " + dependency)
						.containsEntry("condition", "service_healthy");
				});
			}
		});
	}

	@Test
	void noSecretIsWrittenInTheComposeFileAndEveryVariableItReadsIsInEnvExample() throws IOException {
		String compose = Files.readString(Platform.ROOT.resolve("docker-compose.yml"));
		services.forEach((name, service) -> environmentOf(service).forEach((key, value) -> {
			if (key.matches("(?i).*(password|secret|token|credential|api_?key).*")) {
				assertThat(value).as(name + " " + key).startsWith("${");
			}
		}));
		Set<String> variables = new LinkedHashSet<>();
		Matcher matcher = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(compose);
		while (matcher.find()) {
			variables.add(matcher.group(1));
		}
		Set<String> documented = Files.readAllLines(Platform.ROOT.resolve(".env.example"))
			.stream()
			.filter((line) -> line.matches("[A-Z0-9_]+=.*"))
			.map((line) -> line.substring(0, line.indexOf('=')))
			.collect(Collectors.toSet());
		assertThat(documented).containsAll(variables);
		assertThat(Files.readString(Platform.ROOT.resolve(".gitignore")).lines()).contains(".env");
	}

	@Test
	void composeMountsTheLaunchersConfigurationAndItsPrometheusDiffersOnlyInAddresses() throws IOException {
		services.forEach((name, service) -> list(service.get("volumes")).stream()
			.filter((volume) -> volume.startsWith("./"))
			.forEach((volume) -> assertThat(Platform.ROOT.resolve(volume.substring(2, volume.indexOf(':'))))
				.as(name + " mounts " + volume)
				.exists()));
		assertThat(list(services.get("prometheus").get("volumes"))).contains("./prometheus/rules:/etc/prometheus/rules:ro");
		assertThat(launcher).contains("prometheus/prometheus.yml", "prometheus/alertmanager.yml");

		String local = Files.readString(Platform.ROOT.resolve("prometheus/prometheus.yml"));
		String inCompose = Files.readString(Platform.ROOT.resolve("prometheus/compose/prometheus.yml"));
		Object expected = new Yaml().load(local.replace("127.0.0.1:8500", "consul:8500")
			.replace("127.0.0.1:" + launcherValue("ALERTMANAGER_PORT"), "alertmanager:9093"));
		assertThat((Object) new Yaml().load(inCompose)).isEqualTo(expected);
	}

	@Test
	void everyServiceOfOursLogsJsonFindsConsulAndReportsTracesInCompose() {
		for (String module : List.of("config-service", "salutation-service", "greeter-service", "gateway-service")) {
			assertThat(environment(module)).as(module)
				.containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
				.containsEntry("SPRING_CLOUD_CONSUL_HOST", "consul")
				.containsEntry("SPRING_RABBITMQ_HOST", "rabbitmq")
				.containsEntry("PLATFORM_ZIPKIN_URL", "http://zipkin:9411");
		}
		assertThat(environment("gateway-service")).containsEntry("SPRING_DATA_REDIS_HOST", "redis");
		assertThat(environment("config-service")).containsEntry("PLATFORM_CONFIG_REPO", "file:/config-repo/");
	}

	@Test
	void composesInfrastructureAnswersOnlyTheAccountsFromEnvAsTheLaunchersDoes() {
		assertThat(String.valueOf(services.get("redis").get("command"))).contains("--requirepass \"${PLATFORM_REDIS_PASSWORD");
		assertThat(environment("rabbitmq")).containsEntry("RABBITMQ_DEFAULT_USER", "platform")
			.containsEntry("RABBITMQ_DEFAULT_PASS", "${PLATFORM_RABBITMQ_PASSWORD:?set it in .env (see .env.example)}");
		assertThat(environment("consul").get("CONSUL_LOCAL_CONFIG")).contains("\"default_policy\": \"deny\"",
				"\"initial_management\": \"${PLATFORM_CONSUL_MANAGEMENT_TOKEN");
		// The same policies, and the same folder for them, as the launcher's
		assertThat(list(services.get("consul").get("volumes"))).contains("./consul:/platform-consul:ro");
		assertThat(launcher).contains("$ROOT/consul/policies/platform-$name.hcl");
		assertThat(list(services.get("alertmanager").get("command"))).contains("--web.config.file=/etc/alertmanager/web.yml");
		for (String module : List.of("config-service", "salutation-service", "greeter-service", "gateway-service")) {
			assertThat(environment(module)).as(module).containsKeys("PLATFORM_RABBITMQ_PASSWORD", "PLATFORM_CONSUL_TOKEN");
		}
		assertThat(environment("gateway-service")).containsKey("PLATFORM_REDIS_PASSWORD");
	}

	@Test
	void dockerComposeAcceptsTheFile() throws Exception {
		// Docker Compose itself (the launcher builds it; no Docker engine is needed to read the file)
		String compose = System.getProperty("platform.compose", "");
		assertThat(Path.of(compose)).as("Docker Compose, passed by ./platform test as -Dplatform.compose").isRegularFile().isExecutable();
		ProcessBuilder config = new ProcessBuilder(compose, "--env-file", ".env.example", "config", "-q")
			.directory(Platform.ROOT.toFile())
			.redirectErrorStream(true);
		Process process = config.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
	}

	private static int replicas(Map<String, Object> service) {
		Object replicas = map(service.get("deploy")).get("replicas");
		return (replicas != null) ? (Integer) replicas : 1;
	}

	private static Map<String, String> environment(String service) {
		return environmentOf(services.get(service));
	}

	private static Map<String, String> environmentOf(Map<String, Object> service) {
		Map<String, String> environment = new HashMap<>();
		map(service.get("environment")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
		return environment;
	}

	/** NAME=value in the launcher (the first word of the value). */
	private static String launcherValue(String name) {
		Matcher matcher = Pattern.compile("(?m)^" + name + "=(\\S+)").matcher(launcher);
		assertThat(matcher.find()).as(name + " in ./platform").isTrue();
		return matcher.group(1);
	}

	/** NAME=(a b c) in the launcher, over several lines if need be. */
	private static List<String> launcherArray(String name) {
		Matcher matcher = Pattern.compile("(?m)^" + name + "=\\(([^)]*)\\)").matcher(launcher);
		assertThat(matcher.find()).as(name + " in ./platform").isTrue();
		return Arrays.asList(matcher.group(1).trim().split("\\s+"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (value != null) ? (Map<String, Object>) value : Map.of();
	}

	@SuppressWarnings("unchecked")
	private static List<String> list(Object value) {
		return (value != null) ? (List<String>) value : List.of();
	}

	private static Set<String> union(Set<String> first, Set<String> second) {
		Set<String> union = new LinkedHashSet<>(first);
		union.addAll(second);
		return union;
	}

}
