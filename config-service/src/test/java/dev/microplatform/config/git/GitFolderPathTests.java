package dev.microplatform.config.git;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class GitFolderPathTests {

	@ParameterizedTest
	@ValueSource(strings = { ".git", ".git/config", "/app/default/main/.git/HEAD", "a/b/.git/refs/heads/main",
			".GIT/config", ".Git/logs/HEAD", "%2egit/config", "%2Egit/config", "%252egit/config", "%25252egit/config",
			".git%2fconfig", ".git%252Fconfig", "%2e%67%69%74/index", ".git\\config", "a\\.git\\config", ".git%5cconfig",
			".git;x=1/config", ".git;/config", ".git./config", ".git../config", ".git /config", ".git%20/config",
			".git/", "a/.git", ".git(_)config", "app(_).git(_)HEAD", "%2egit%2fobjects%2fab%2fcdef" })
	void reachesAGitFolderHoweverSpelled(String path) {
		assertThat(GitFolderPath.reaches(path)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "greeter-service.yml", "/greeter-service/default/main/greeter-service.yml",
			".gitignore", ".gitattributes", "templates/.github/workflow.yml", "repo.git/config", "git/config",
			"a.git.yml", "%2egitignore", "..git/config", "" })
	void leavesOtherPathsAlone(String path) {
		assertThat(GitFolderPath.reaches(path)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "%zz/.git/config", ".git/%zz" })
	void judgesWhatAMalformedEscapeSpellsSoFar(String path) {
		assertThat(GitFolderPath.reaches(path)).isTrue();
	}

}
