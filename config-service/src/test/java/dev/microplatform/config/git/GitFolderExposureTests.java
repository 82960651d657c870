package dev.microplatform.config.git;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.micrometer.observation.ObservationRegistry;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.cloud.config.server.config.ConfigServerProperties;
import org.springframework.cloud.config.server.environment.JGitEnvironmentProperties;
import org.springframework.cloud.config.server.environment.JGitEnvironmentRepository;
import org.springframework.cloud.config.server.resource.GenericResourceRepository;
import org.springframework.cloud.config.server.resource.NoSuchResourceException;
import org.springframework.cloud.config.server.resource.ResourceController;
import org.springframework.cloud.config.server.resource.ResourceControllerAdvice;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * Config Server's own plain-file endpoints ({@link ResourceController}) on a real clone of a git
 * repository: nothing of the clone's {@code .git} folder comes out, however the path is spelled,
 * with the request filter in front and, should a spelling pass it, by the file lookup alone; the
 * repository's own files are still served.
 */
class GitFolderExposureTests {

	@TempDir
	File served;

	@TempDir
	File clone;

	private JGitEnvironmentRepository environments;

	private GitFolderRefusingResourceRepository files;

	@BeforeEach
	void cloneTheServedRepository() throws Exception {
		try (Git origin = Git.init().setDirectory(this.served).setInitialBranch("main").call()) {
			Files.writeString(this.served.toPath().resolve("greeter-service.yml"), "greeting: hello\n");
			Files.writeString(this.served.toPath().resolve("notes.txt"), "plain text\n");
			// A link committed to the repository, pointing into the clone's .git folder
			Files.createSymbolicLink(this.served.toPath().resolve("leak.txt"), Path.of(".git", "config"));
			origin.add().addFilepattern(".").call();
			origin.commit().setMessage("files").setAuthor("test", "test@example.com")
				.setCommitter("test", "test@example.com").setSign(false).call();
		}
		JGitEnvironmentProperties properties = new JGitEnvironmentProperties();
		properties.setUri(this.served.getAbsolutePath());
		properties.setBasedir(this.clone);
		properties.setDefaultLabel("main");
		properties.setCloneOnStart(true);
		this.environments = new JGitEnvironmentRepository(new StandardEnvironment(), properties,
				ObservationRegistry.NOOP);
		this.environments.afterPropertiesSet();
		this.files = new GitFolderRefusingResourceRepository(upstreamLookup(), this.environments,
				new DefaultResourceLoader());
	}

	static Stream<String> gitFolderPaths() {
		return Stream.of("/greeter-service/default/main/.git/config", "/greeter-service/default/main/.git/HEAD",
				"/greeter-service/default/main/.git/logs/HEAD", "/greeter-service/default/main/.git/index",
				"/greeter-service/default/main/.git/refs/heads/main", "/greeter-service/default/main/.GIT/config",
				"/greeter-service/default/main/%2egit/config", "/greeter-service/default/main/%2Egit/HEAD",
				"/greeter-service/default/main/%252egit/config", "/greeter-service/default/main/%25252egit/config",
				"/greeter-service/default/main/.git%2fconfig", "/greeter-service/default/main/.git%252fconfig",
				"/greeter-service/default/main/.git%5cconfig", "/greeter-service/default/main/.git;a=b/config",
				"/greeter-service/default/main/.git./config", "/greeter-service/default/main/.git/./config",
				"/greeter-service/default/main/x/../.git/config", "/greeter-service/default/main/.git/config/",
				"/greeter-service/default/main/.git(_)config", "/greeter-service/default/.git(_)config?useDefaultLabel",
				"/greeter-service/default/.git%2fconfig?useDefaultLabel", "/.git/default/main/config",
				"/greeter-service/default/.git/config", "/console/api/.git/config");
	}

	@ParameterizedTest
	@MethodSource("gitFolderPaths")
	void theFilterAnswers404ProblemDetailsAndNothingOfTheFile(String path) throws Exception {
		MvcResult result = mvc(true).perform(get(URI.create(path))).andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(404);
		assertThat(result.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(result.getResponse().getContentAsString()).contains("\"status\":404")
			.contains("urn:problem-type:platform:not-found");
		assertNothingOfTheGitFolder(result);
	}

	@ParameterizedTest
	@MethodSource("gitFolderPaths")
	void withoutTheFilterTheLookupStillServesNothingOfTheGitFolder(String path) throws Exception {
		for (MediaType accept : new MediaType[] { MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM }) {
			MvcResult result = mvc(false).perform(get(URI.create(path)).accept(accept)).andReturn();

			assertThat(result.getResponse().getStatus()).as("%s as %s", path, accept).isBetween(400, 499);
			assertNothingOfTheGitFolder(result);
		}
	}

	@Test
	void theRepositorysOwnFilesAreStillServed() throws Exception {
		for (String path : new String[] { "/greeter-service/default/main/notes.txt",
				"/greeter-service/default/notes.txt?useDefaultLabel" }) {
			MvcResult result = mvc(true).perform(get(URI.create(path)).accept(MediaType.TEXT_PLAIN)).andReturn();
			assertThat(result.getResponse().getStatus()).as(path).isEqualTo(200);
			assertThat(result.getResponse().getContentAsString()).isEqualTo("plain text\n");
		}
	}

	@Test
	void aLinkIntoTheGitFolderIsNotFollowed() throws Exception {
		assertThat(this.clone.toPath().resolve("leak.txt")).isSymbolicLink();
		MvcResult result = mvc(true).perform(get(URI.create("/greeter-service/default/main/leak.txt"))).andReturn();

		assertThat(result.getResponse().getStatus()).isEqualTo(404);
		assertNothingOfTheGitFolder(result);
	}

	/**
	 * Why the guard exists: Config Server's own lookup serves the clone's {@code .git/config}. Once
	 * this fails, upstream refuses it itself (the guard stays, as a second line).
	 */
	@Test
	void configServersOwnLookupServesTheGitFolder() throws Exception {
		assertThat(upstreamLookup().findOne("greeter-service", "default", "main", ".git/config").getContentAsString(
				StandardCharsets.UTF_8)).contains("[core]");
		assertThatExceptionOfType(NoSuchResourceException.class)
			.isThrownBy(() -> this.files.findOne("greeter-service", "default", "main", ".git/config"));
	}

	private GenericResourceRepository upstreamLookup() {
		GenericResourceRepository upstream = new GenericResourceRepository(this.environments,
				new ConfigServerProperties());
		upstream.setResourceLoader(new DefaultResourceLoader());
		return upstream;
	}

	private MockMvc mvc(boolean withFilter) {
		ResourceController controller = new ResourceController(this.files, this.environments);
		var builder = MockMvcBuilders.standaloneSetup(controller).setControllerAdvice(new ResourceControllerAdvice());
		if (withFilter) {
			builder.addFilters(new GitFolderRequestFilter());
		}
		return builder.build();
	}

	private static void assertNothingOfTheGitFolder(MvcResult result) throws Exception {
		String body = result.getResponse().getContentAsString();
		assertThat(body).doesNotContain("[core]").doesNotContain("ref:").doesNotContain("repositoryformatversion")
			.doesNotContain("DIRC");
	}

}
