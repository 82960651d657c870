package dev.microplatform.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The git repository config-service serves (made by the launcher in .platform/config-repo): tests
 * change configuration by committing there, as an operator would; its post-commit hook notifies
 * config-service.
 */
final class ServedConfigRepo {

	static final Path REPO = Platform.ROOT.resolve(".platform/config-repo");

	private ServedConfigRepo() {
	}

	static Path file(String name) {
		return REPO.resolve(name);
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
