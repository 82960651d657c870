package dev.microplatform.config.git;

import java.io.File;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ConfigConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository.JGitFactory;

import static org.assertj.core.api.Assertions.assertThat;

class PruningCloneGitFactoryTests {

	@TempDir
	File clone;

	@Test
	void opensTheCloneWithMergedPacksDeletedAtOnce() throws Exception {
		Git.init().setDirectory(this.clone).call().close();
		try (Git git = new PruningCloneGitFactory(new JGitFactory()).getGitByOpen(this.clone)) {
			assertThat(git.getRepository().getConfig().getString(ConfigConstants.CONFIG_GC_SECTION, null,
					ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE))
				.isEqualTo("now");
		}
		// saved in the clone, so the background garbage collection reads it too
		try (Git git = Git.open(this.clone)) {
			assertThat(git.getRepository().getConfig().getString("gc", null, "prunePackExpire")).isEqualTo("now");
		}
	}

}
