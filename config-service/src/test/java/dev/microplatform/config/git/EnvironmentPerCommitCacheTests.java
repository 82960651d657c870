package dev.microplatform.config.git;

import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.ObservationRegistry;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.config.environment.Environment;
import org.springframework.cloud.config.environment.PropertySource;
import org.springframework.cloud.config.environment.PropertyValueDescriptor;
import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.cloud.config.server.environment.JGitEnvironmentProperties;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.cloud.config.server.environment.MultipleJGitEnvironmentProperties;
import org.springframework.cloud.config.server.environment.MultipleJGitEnvironmentRepository;
import org.springframework.cloud.config.server.environment.MultipleJGitEnvironmentRepository.PatternMatchingJGitEnvironmentRepository;
import org.springframework.cloud.config.server.environment.NoSuchLabelException;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EnvironmentPerCommitCacheTests {

	@TempDir
	File served;

	@TempDir
	File clone;

	private Git origin;

	/** How many times the git repository read the files. */
	private final AtomicInteger reads = new AtomicInteger();

	private JGitEnvironmentRepository repository;

	@BeforeEach
	void serveAGitRepository() throws Exception {
		this.origin = Git.init().setDirectory(this.served).setInitialBranch("main").call();
		commit("greeting: hello");
		// fetch on every request, as Config Server does by default
		this.repository = EnvironmentPerCommitCache.inFrontOf(countingReads(0));
	}

	private JGitEnvironmentRepository countingReads(int refreshRate) throws Exception {
		JGitEnvironmentProperties properties = new JGitEnvironmentProperties();
		properties.setUri(this.served.getAbsolutePath());
		properties.setBasedir(this.clone);
		properties.setDefaultLabel("main");
		properties.setCloneOnStart(true);
		properties.setRefreshRate(refreshRate);
		JGitEnvironmentRepository git = new JGitEnvironmentRepository(new StandardEnvironment(), properties,
				ObservationRegistry.NOOP) {

			@Override
			public synchronized Environment findOne(String application, String profile, String label,
					boolean includeOrigin) {
				EnvironmentPerCommitCacheTests.this.reads.incrementAndGet();
				return super.findOne(application, profile, label, includeOrigin);
			}

		};
		git.afterPropertiesSet();
		return git;
	}

	@Test
	void readsTheFilesOncePerCommit() throws Exception {
		String first = commit("greeting: bonjour");
		assertThat(greeting(this.repository.findOne("greeter-service", "default", null))).isEqualTo("bonjour");
		Environment again = this.repository.findOne("greeter-service", "default", null);
		assertThat(greeting(again)).isEqualTo("bonjour");
		assertThat(again.getVersion()).isEqualTo(first);
		assertThat(this.reads).hasValue(1);

		String second = commit("greeting: hola");
		Environment changed = this.repository.findOne("greeter-service", "default", null);
		assertThat(greeting(changed)).isEqualTo("hola");
		assertThat(changed.getVersion()).isEqualTo(second);
		assertThat(this.reads).hasValue(2);
	}

	@Test
	void aCommitIsServedByItsIdAsWellAsByItsBranch() throws Exception {
		String first = commit("greeting: bonjour");
		this.repository.findOne("greeter-service", "default", "main");
		commit("greeting: hola");
		assertThat(greeting(this.repository.findOne("greeter-service", "default", first))).isEqualTo("bonjour");
		assertThat(greeting(this.repository.findOne("greeter-service", "default", "main"))).isEqualTo("hola");
	}

	@Test
	void applicationsProfilesAndOriginsAreCachedApart() throws Exception {
		Files.writeString(this.served.toPath().resolve("salutation-service.yml"), "greeting: hallo");
		commit("greeting: bonjour");
		assertThat(greeting(this.repository.findOne("greeter-service", "default", null))).isEqualTo("bonjour");
		assertThat(greeting(this.repository.findOne("salutation-service", "default", null))).isEqualTo("hallo");
		assertThat(this.repository.findOne("greeter-service", "default", null, true).getPropertySources().get(0)
			.getSource().get("greeting")).isInstanceOf(PropertyValueDescriptor.class);
		this.repository.findOne("greeter-service", "eu", null);
		assertThat(this.reads).hasValue(4);
	}

	@Test
	void whatACallerChangesIsNotServedToTheNext() throws Exception {
		commit("greeting: bonjour");
		Environment first = this.repository.findOne("greeter-service", "default", null);
		@SuppressWarnings("unchecked")
		Map<Object, Object> source = (Map<Object, Object>) first.getPropertySources().get(0).getSource();
		source.put("greeting", "changed by a caller");
		first.addFirst(new PropertySource("overrides", Map.of("a", "b")));
		Environment second = this.repository.findOne("greeter-service", "default", null);
		assertThat(greeting(second)).isEqualTo("bonjour");
		assertThat(second.getPropertySources()).hasSize(1);
	}

	@Test
	void anUnknownLabelIsRefusedAsConfigServerRefusesIt() {
		assertThatExceptionOfType(NoSuchLabelException.class)
			.isThrownBy(() -> this.repository.findOne("greeter-service", "default", "no-such-branch"));
	}

	@Test
	void aPushIsServedThoughTheCacheHasTheCommitBefore() throws Exception {
		JGitEnvironmentRepository fetchingHourly = EnvironmentPerCommitCache.inFrontOf(countingReads(3600));
		assertThat(greeting(fetchingHourly.findOne("greeter-service", "default", null))).isEqualTo("hello");
		commit("greeting: bonjour");
		assertThat(greeting(fetchingHourly.findOne("greeter-service", "default", null)))
			.as("within the refresh rate, without a push").isEqualTo("hello");
		new FetchOnPush(List.of(fetchingHourly))
			.onApplicationEvent(new RefreshRemoteApplicationEvent(this, "config-service", "greeter-service"));
		assertThat(greeting(fetchingHourly.findOne("greeter-service", "default", null))).isEqualTo("bonjour");
		assertThat(this.reads).hasValue(2);
	}

	@Test
	void patternMatchedRepositoriesAreLeftAsTheyAre() {
		MultipleJGitEnvironmentProperties properties = new MultipleJGitEnvironmentProperties();
		properties.setUri(this.served.getAbsolutePath());
		MultipleJGitEnvironmentRepository withPatterns = new MultipleJGitEnvironmentRepository(
				new StandardEnvironment(), properties, ObservationRegistry.NOOP);
		withPatterns.setRepos(Map.of("eu", new PatternMatchingJGitEnvironmentRepository(ObservationRegistry.NOOP)));
		assertThat(EnvironmentPerCommitCache.inFrontOf(withPatterns)).isSameAs(withPatterns);
	}

	private static Object greeting(Environment environment) {
		return environment.getPropertySources().get(0).getSource().get("greeting");
	}

	private String commit(String content) throws Exception {
		Files.writeString(this.served.toPath().resolve("greeter-service.yml"), content);
		this.origin.add().addFilepattern(".").call();
		RevCommit commit = this.origin.commit().setMessage(content).setAuthor("test", "test@example.com")
			.setCommitter("test", "test@example.com").setSign(false).call();
		return commit.getName();
	}

}
