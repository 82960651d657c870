package dev.microplatform.config.git;

import java.io.File;
import java.nio.file.Files;
import java.util.List;

import io.micrometer.observation.ObservationRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.cloud.config.server.environment.JGitEnvironmentProperties;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class FetchOnPushTests {

	@TempDir
	File served;

	@TempDir
	File clone;

	private Git origin;

	private JGitEnvironmentRepository repository;

	@BeforeEach
	void cloneTheServedRepository() throws Exception {
		this.origin = Git.init().setDirectory(this.served).setInitialBranch("main").call();
		commit("greeting: hello");
		JGitEnvironmentProperties properties = new JGitEnvironmentProperties();
		properties.setUri(this.served.getAbsolutePath());
		properties.setBasedir(this.clone);
		properties.setDefaultLabel("main");
		properties.setCloneOnStart(true);
		properties.setRefreshRate(3600);
		this.repository = new JGitEnvironmentRepository(new StandardEnvironment(), properties,
				ObservationRegistry.NOOP);
		this.repository.afterPropertiesSet();
	}

	@Test
	void aPushIsServedAtOnceThoughTheLastFetchWasRecent() throws Exception {
		servedVersion(); // a fetch: the next one is an hour away
		String pushed = commit("greeting: bonjour");
		assertThat(servedVersion()).as("within the refresh rate, without a push").isNotEqualTo(pushed);
		new FetchOnPush(List.of(this.repository))
			.onApplicationEvent(new RefreshRemoteApplicationEvent(this, "config-service", "greeter-service"));
		assertThat(servedVersion()).isEqualTo(pushed);
	}

	private String servedVersion() {
		return this.repository.getLocations("greeter-service", "default", "main").getVersion();
	}

	private String commit(String content) throws Exception {
		Files.writeString(this.served.toPath().resolve("greeter-service.yml"), content);
		this.origin.add().addFilepattern("greeter-service.yml").call();
		RevCommit commit = this.origin.commit().setMessage(content).setAuthor("test", "test@example.com")
			.setCommitter("test", "test@example.com").setSign(false).call();
		return commit.getName();
	}

}
