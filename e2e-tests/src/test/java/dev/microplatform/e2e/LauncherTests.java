package dev.microplatform.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's commands for ops, against the running platform. */
class LauncherTests {

	/** A component no other test depends on between two of its requests, and quick to start. */
	private static final String COMPONENT = "alertmanager";

	@Test
	void restartStopsAComponentUntilItHasExitedThenStartsItAgain() throws Exception {
		long before = Platform.pidOf(COMPONENT);

		Platform.LauncherRun restart = Platform.launcher("restart", COMPONENT);
		assertThat(restart.exitValue()).as(restart.output()).isZero();

		// The old process has exited, a new one serves on the same port
		assertThat(ProcessHandle.of(before).filter(ProcessHandle::isAlive)).as("the old process").isEmpty();
		long after = Platform.pidOf(COMPONENT);
		assertThat(after).isNotEqualTo(before);
		assertThat(ProcessHandle.of(after).filter(ProcessHandle::isAlive)).as("the new process").isPresent();
		assertThat(Platform.get(Platform.ALERTMANAGER, "/-/ready", Platform.alertmanagerAccount()).statusCode()).isEqualTo(200);
		assertThat(restart.output()).contains("stopped " + COMPONENT + " (pid " + before + ")", "started " + COMPONENT);
	}

	@Test
	void restartRefusesANameThatIsNoComponent() throws Exception {
		Platform.LauncherRun restart = Platform.launcher("restart", "alert-manager");
		assertThat(restart.exitValue()).isNotZero();
		assertThat(restart.output()).contains("no component named 'alert-manager'", "alertmanager");
	}

}
