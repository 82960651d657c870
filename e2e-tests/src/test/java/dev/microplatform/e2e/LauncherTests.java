package dev.microplatform.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's commands for ops, against the running platform. */
class LauncherTests {

	/** A component no other test depends on between two of its requests, and quick to start. */
	private static final String COMPONENT = "alertmanager";

	@Test
	void restartStopsAComponentUntilItHasExitedThenStartsItAgain() throws Exception {
		long before = pidOf(COMPONENT);

		Process restart = new ProcessBuilder(Platform.ROOT.resolve("platform").toString(), "restart", COMPONENT)
			.directory(Platform.ROOT.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(restart.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(restart.waitFor(5, TimeUnit.MINUTES)).isTrue();
		assertThat(restart.exitValue()).as(output).isZero();

		// The old process has exited, a new one serves on the same port
		assertThat(ProcessHandle.of(before).filter(ProcessHandle::isAlive)).as("the old process").isEmpty();
		long after = pidOf(COMPONENT);
		assertThat(after).isNotEqualTo(before);
		assertThat(ProcessHandle.of(after).filter(ProcessHandle::isAlive)).as("the new process").isPresent();
		assertThat(Platform.get(Platform.ALERTMANAGER, "/-/ready").statusCode()).isEqualTo(200);
		assertThat(output).contains("stopped " + COMPONENT + " (pid " + before + ")", "started " + COMPONENT);
	}

	@Test
	void restartRefusesANameThatIsNoComponent() throws Exception {
		Process restart = new ProcessBuilder(Platform.ROOT.resolve("platform").toString(), "restart", "alert-manager")
			.directory(Platform.ROOT.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(restart.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(restart.waitFor(1, TimeUnit.MINUTES)).isTrue();
		assertThat(restart.exitValue()).isNotZero();
		assertThat(output).contains("no component named 'alert-manager'", "alertmanager");
	}

	private static long pidOf(String component) throws Exception {
		Path pidFile = Platform.ROOT.resolve(".platform/" + component + ".pid");
		return Long.parseLong(Files.readString(pidFile).trim());
	}

}
