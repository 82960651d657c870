package dev.microplatform.config.git;

import java.io.File;
import java.io.IOException;

import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.StoredConfig;

import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository.JGitFactory;

/**
 * Opens config-service's clone of the configuration repository with git's housekeeping set for a
 * clone that only config-service reads: a garbage collection deletes the packs it has merged at
 * once.
 * <p>
 * Every fetch that brings a commit adds a pack to the clone, and beyond 50 packs JGit repacks in
 * the background ({@code gc.autopacklimit}). It keeps the merged packs for an hour, though
 * ({@code gc.prunePackExpire}), so the count stayed above 50 and every fetch after that repacked
 * the whole history again: 40 % of config-service's CPU while changes were being pushed, and more
 * with every commit.
 */
class PruningCloneGitFactory extends JGitFactory {

	private final JGitFactory delegate;

	PruningCloneGitFactory(JGitFactory delegate) {
		this.delegate = delegate;
	}

	@Override
	public Git getGitByOpen(File file) throws IOException {
		Git git = this.delegate.getGitByOpen(file);
		StoredConfig config = git.getRepository().getConfig();
		if (!"now".equals(config.getString(ConfigConstants.CONFIG_GC_SECTION, null,
				ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE))) {
			config.setString(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_PRUNEPACKEXPIRE, "now");
			config.save();
		}
		return git;
	}

	@Override
	public CloneCommand getCloneCommandByCloneRepository() {
		return this.delegate.getCloneCommandByCloneRepository();
	}

}
