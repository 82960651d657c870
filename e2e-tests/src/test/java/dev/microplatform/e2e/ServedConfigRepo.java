package dev.microplatform.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The git repository config-service serves (made by the launcher in .platform/config-repo): tests
 * change configuration by committing there, as an operator would; its post-commit hook notifies
 * config-service.
 */
final class ServedConfigRepo {

	static final Path REPO = Platform.ROOT.resolve(".platform/config-repo");

	private static final Pattern TEMPLATE_LINE = Pattern.compile("(?m)^(\\s+template: )(.*)$");

	private ServedConfigRepo() {
	}

	static Path file(String name) {
		return REPO.resolve(name);
	}

	/**
	 * Sets greeter-service's greeting template, the rest of its file as it is, and commits it: the
	 * post-commit hook then pushes it to every greeter.
	 */
	static void commitGreeterTemplate(String template, String message) throws Exception {
		Path file = file("greeter-service.yml");
		String yaml = Files.readString(file);
		Matcher line = TEMPLATE_LINE.matcher(yaml);
		assertThat(line.find()).as("greeter-service.yml has a template: %n%s", yaml).isTrue();
		String quoted = "\"" + template.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
		Files.writeString(file, yaml.substring(0, line.start(2)) + quoted + yaml.substring(line.end(2)));
		commit(message);
	}

	/** The greeting the template in the repository's greeter-service.yml makes for a name. */
	static String greeting(String name) throws Exception {
		String yaml = Files.readString(file("greeter-service.yml"));
		Map<String, Map<String, Object>> document = new Yaml().load(yaml);
		return ((String) document.get("greeter").get("template")).replace("{name}", name);
	}

	/**
	 * Puts files back as they were (file to content), committing once if any of them changed;
	 * returns whether one had.
	 */
	static boolean restore(Map<Path, String> originals, String message) throws Exception {
		boolean changed = false;
		for (Map.Entry<Path, String> original : originals.entrySet()) {
			if (!Files.readString(original.getKey()).equals(original.getValue())) {
				Files.writeString(original.getKey(), original.getValue());
				changed = true;
			}
		}
		if (changed) {
			commit(message);
		}
		return changed;
	}

	/** Commits every change in the repository. */
	static void commit(String message) throws Exception {
		git("add", "-A");
		git("-c", "user.name=e2e test", "-c", "user.email=e2e@platform.local", "commit", "-q", "-m", message);
	}

	static String git(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("git", "-C", REPO.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("git %s: %s", String.join(" ", arguments), output).isZero();
		return output;
	}

}
