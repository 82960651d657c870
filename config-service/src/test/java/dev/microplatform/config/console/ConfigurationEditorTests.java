package dev.microplatform.config.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.bus.event.RefreshRemoteApplicationEvent;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.http.HttpStatus;

import dev.microplatform.config.console.ConsoleViews.Change;
import dev.microplatform.config.console.ConsoleViews.Edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Edits and rollbacks on a real git working tree: one commit each by the operator, or nothing at
 * all written when the edit is refused.
 */
class ConfigurationEditorTests {

	private static final String GREETER = """
			greeter:
			  template: "Hello, {name}!"  # shown to everyone
			platform.inbound.rate-limits.greetings.limit: 50
			""";

	@TempDir
	Path repo;

	private final List<Object> published = new ArrayList<>();

	private ServedRepository repository;

	private ConfigurationEditor editor;

	@BeforeEach
	void repository() throws Exception {
		try (Git git = Git.init().setDirectory(this.repo.toFile()).setInitialBranch("main").call()) {
			Files.writeString(this.repo.resolve("greeter-service.yml"), GREETER);
			Files.writeString(this.repo.resolve("application.yml"), "management.tracing.sampling.probability: 1.0\n");
			// The launcher's hook posts to /monitor; the console must not set it off (it refreshes itself)
			Path hook = this.repo.resolve(".git/hooks/post-commit");
			Files.createDirectories(hook.getParent());
			Files.writeString(hook, "#!/bin/sh\ntouch \"$(git rev-parse --show-toplevel)/hook-ran\"\n");
			hook.toFile().setExecutable(true);
			git.add().addFilepattern(".").call();
			git.commit().setAuthor(new PersonIdent("launcher", "l@x")).setCommitter(new PersonIdent("launcher", "l@x"))
				.setMessage("Initial configuration").setNoVerify(true).call();
		}
		Files.deleteIfExists(this.repo.resolve("hook-ran"));
		this.repository = new ServedRepository(this.repo);
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		ApplicationCatalog catalog = new ApplicationCatalog(this.repository, beans.getBeanProvider(DiscoveryClient.class));
		InstanceRefresher refresher = new InstanceRefresher(this.published::add, catalog, "config-service:8888:abc",
				"config-service", Clock.systemUTC());
		this.editor = new ConfigurationEditor(this.repository, new YamlPropertyEditor(), refresher);
	}

	@Test
	void anEditIsOneCommitByTheOperatorThenARefreshOfTheApplication() throws Exception {
		String before = this.repository.headId();

		Change change = this.editor.edit(new Edit("greeter-service.yml", "greeter.template", "\"Hi, {name}!\"", ""),
				"config-admin");

		assertThat(Files.readString(this.repo.resolve("greeter-service.yml")))
			.isEqualTo(GREETER.replace("\"Hello, {name}!\"", "\"Hi, {name}!\""));
		assertThat(change.commit().author()).isEqualTo("config-admin");
		assertThat(change.commit().message()).isEqualTo("Set greeter.template in greeter-service.yml (console)");
		assertThat(change.commit().files()).containsExactly("greeter-service.yml");
		assertThat(this.repository.history(10)).extracting(CommitSummary::id)
			.containsExactly(change.commit().id(), before);
		assertThat(clean()).isTrue();
		assertThat(this.published).singleElement()
			.isInstanceOfSatisfying(RefreshRemoteApplicationEvent.class, (event) -> {
				assertThat(event.getDestinationService()).isEqualTo("greeter-service:**");
				assertThat(event.getOriginService()).isEqualTo("config-service:8888:abc");
			});
		assertThat(change.refreshes()).singleElement()
			.satisfies((refresh) -> assertThat(refresh.id()).isEqualTo(((RefreshRemoteApplicationEvent) this.published.get(0)).getId()));
		assertThat(this.repo.resolve("hook-ran")).doesNotExist();
	}

	@Test
	void aWrongTypeIsRefusedAndNothingIsWrittenOrCommitted() throws Exception {
		String head = this.repository.headId();

		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.edit(
					new Edit("greeter-service.yml", "platform.inbound.rate-limits.greetings.limit", "many", "x"),
					"config-admin"))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT);
				assertThat(ex.toProblemDetail().getProperties()).containsEntry("expectedType", "number");
			});

		assertUnchanged(head);
	}

	@Test
	void malformedYamlIsRefusedAndNothingIsWrittenOrCommitted() throws Exception {
		String head = this.repository.headId();

		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.edit(new Edit("greeter-service.yml", "greeter.template", "[unclosed", null),
					"config-admin"))
			.satisfies((ex) -> assertThat(ex.toProblemDetail().getType().toString()).endsWith("invalid-yaml"));

		assertUnchanged(head);
	}

	@Test
	void fileNamesOutsideTheRepositoryRootAreRefused() throws Exception {
		String head = this.repository.headId();
		for (String file : List.of("../greeter-service.yml", "/etc/passwd", "sub/greeter-service.yml", ".git/config",
				"greeter-service.yml/..", "greeter-service.properties")) {
			assertThatExceptionOfType(ConsoleProblemException.class)
				.isThrownBy(() -> this.editor.edit(new Edit(file, "greeter.template", "x", null), "config-admin"))
				.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpStatus.BAD_REQUEST));
		}
		assertUnchanged(head);
	}

	@Test
	void aFileWithUncommittedChangesIsLeftAlone() throws Exception {
		String head = this.repository.headId();
		String handEdited = GREETER + "# someone is typing\n";
		Files.writeString(this.repo.resolve("greeter-service.yml"), handEdited);

		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.edit(new Edit("greeter-service.yml", "greeter.template", "Hi", null),
					"config-admin"))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpStatus.CONFLICT));

		assertThat(this.repository.headId()).isEqualTo(head);
		assertThat(Files.readString(this.repo.resolve("greeter-service.yml"))).isEqualTo(handEdited);
	}

	@Test
	void aRollbackIsANewCommitWithTheFilesAsTheyWere() throws Exception {
		String original = this.repository.headId();
		this.editor.edit(new Edit("greeter-service.yml", "greeter.template", "Hi", null), "config-admin");
		this.editor.edit(new Edit("application.yml", "management.tracing.sampling.probability", "0.5", null),
				"config-admin");
		Files.writeString(this.repo.resolve("added.yml"), "a: 1\n");
		try (Git git = Git.open(this.repo.toFile())) {
			git.add().addFilepattern("added.yml").call();
			git.commit().setMessage("Add a file").setNoVerify(true).call();
		}
		// JGit ran the hook for that commit (not for the console's own)
		Files.delete(this.repo.resolve("hook-ran"));
		this.published.clear();

		Change rollback = this.editor.rollback(original.substring(0, 10), null, "config-admin");

		assertThat(rollback.commit().message()).startsWith("Roll back to " + original.substring(0, 7));
		assertThat(rollback.commit().author()).isEqualTo("config-admin");
		assertThat(rollback.commit().files()).containsExactlyInAnyOrder("added.yml", "application.yml",
				"greeter-service.yml");
		assertThat(Files.readString(this.repo.resolve("greeter-service.yml"))).isEqualTo(GREETER);
		assertThat(this.repo.resolve("added.yml")).doesNotExist();
		assertThat(this.repository.history(10)).hasSize(5);
		try (Git git = Git.open(this.repo.toFile())) {
			assertThat(git.diff().setOldTree(tree(git, original)).setNewTree(tree(git, "HEAD")).call()).isEmpty();
		}
		assertThat(clean()).isTrue();
		assertThat(this.repo.resolve("hook-ran")).doesNotExist();
		assertThat(this.published).extracting((event) -> ((RefreshRemoteApplicationEvent) event).getDestinationService())
			.contains("*:**", "greeter-service:**");

		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.editor.rollback(original, null, "config-admin"))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpStatus.CONFLICT));
	}

	@Test
	void aDiffIsUnifiedAndAnUnknownCommitIsNotFound() {
		Change change = this.editor.edit(new Edit("greeter-service.yml", "greeter.template", "Hi", null), "config-admin");

		assertThat(this.repository.diff(change.commit().id())).contains("--- a/greeter-service.yml")
			.contains("-  template: \"Hello, {name}!\"  # shown to everyone")
			.contains("+  template: Hi  # shown to everyone");
		assertThatExceptionOfType(ConsoleProblemException.class)
			.isThrownBy(() -> this.repository.diff("0123456789abcdef"))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(HttpStatus.NOT_FOUND));
	}

	@Test
	void refreshDestinationsAreNamedAsTheMonitorNamesThem() {
		assertThat(InstanceRefresher.destinationsFor(List.of("greeter-service.yml"))).containsExactly("greeter:service",
				"greeter-service");
		assertThat(InstanceRefresher.destinationsFor(List.of("application.yml"))).isEqualTo(Set.of("*"));
		assertThat(InstanceRefresher.destinationsFor(List.of("application-dev.yml"))).containsExactly("*:dev");
	}

	private void assertUnchanged(String head) throws Exception {
		assertThat(this.repository.headId()).isEqualTo(head);
		assertThat(this.repository.history(10)).hasSize(1);
		assertThat(Files.readString(this.repo.resolve("greeter-service.yml"))).isEqualTo(GREETER);
		assertThat(clean()).isTrue();
		assertThat(this.published).isEmpty();
	}

	private boolean clean() throws Exception {
		try (Git git = Git.open(this.repo.toFile())) {
			return git.status().call().isClean();
		}
	}

	private static org.eclipse.jgit.treewalk.AbstractTreeIterator tree(Git git, String revision) throws Exception {
		org.eclipse.jgit.treewalk.CanonicalTreeParser parser = new org.eclipse.jgit.treewalk.CanonicalTreeParser();
		try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(git.getRepository());
				org.eclipse.jgit.lib.ObjectReader reader = git.getRepository().newObjectReader()) {
			parser.reset(reader, walk.parseCommit(git.getRepository().resolve(revision)).getTree());
		}
		return parser;
	}

}
