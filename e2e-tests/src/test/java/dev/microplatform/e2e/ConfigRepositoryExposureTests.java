package dev.microplatform.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing of the clone config-service serves from comes out of its {@code .git} folder (config, HEAD,
 * logs, index, refs, objects), to either account, however the path is spelled: through the
 * plain-file endpoints, the environment endpoints' names and labels, or the console; nor through a
 * link committed to the repository. The requests
 * go out byte for byte as written (a raw socket), so no client normalizes the spelling first.
 */
class ConfigRepositoryExposureTests {

	/** What git's own files start with or contain; configuration files never do. */
	private static final String LINK = "exposure-test-link.txt";

	private static final String CONTROL = "exposure-test-control.txt";

	private static final List<String> GIT_CONTENT = List.of("[core]", "repositoryformatversion", "ref: refs/",
			"DIRC", "refs/heads/main", "0000000000000000000000000000000000000000");

	/** A spelling, and the status it gets: 404 from config-service, 400 where Tomcat refuses the URI itself. */
	static Stream<Map.Entry<String, Integer>> spellings() {
		String file = "/greeter-service/default/main/";
		return Stream.of(Map.entry(file + ".git/config", 404), Map.entry(file + ".git/HEAD", 404),
				Map.entry(file + ".git/logs/HEAD", 404), Map.entry(file + ".git/index", 404),
				Map.entry(file + ".git/refs/heads/main", 404), Map.entry(file + ".git/packed-refs", 404),
				Map.entry(file + ".GIT/config", 404), Map.entry(file + ".Git/HEAD", 404),
				Map.entry(file + "%2egit/config", 404), Map.entry(file + "%2Egit/config", 404),
				Map.entry(file + "%2e%67%69%74/config", 404), Map.entry(file + "%252egit/config", 404),
				Map.entry(file + "%25252egit/config", 404), Map.entry(file + ".git%252fconfig", 404),
				Map.entry(file + ".git;x=y/config", 404), Map.entry(file + ".git;/HEAD", 404),
				Map.entry(file + ".git./config", 404), Map.entry(file + ".git../config", 404),
				Map.entry(file + ".git/config/", 404), Map.entry(file + ".git/config.", 404),
				Map.entry(file + ".git//config", 404), Map.entry(file + "./.git/config", 404),
				Map.entry(file + "x/../.git/config", 404), Map.entry(file + "x/%2e%2e/.git/config", 404),
				Map.entry(file + ".git(_)config", 404),
				Map.entry("/greeter-service/default/.git(_)config?useDefaultLabel", 404),
				Map.entry("/greeter-service/default/%2egit(_)HEAD?useDefaultLabel", 404),
				Map.entry("/greeter-service/default/.git%252fconfig?useDefaultLabel", 404),
				// Environment endpoints: the application name and the label
				Map.entry("/.git(_)config/default", 404), Map.entry("/.git/default/main", 404),
				Map.entry("/greeter-service/default/.git", 404), Map.entry("/.git/greeter-service-default.yml", 404),
				Map.entry("/greeter-service/default/main(_).git(_)config", 404),
				// The console (admin only; the client account is not let past the filter either)
				Map.entry("/console/.git/config", 404), Map.entry("/console/api/.git/HEAD", 404),
				// Encoded separators and backslashes: Tomcat refuses the URI before any filter
				Map.entry(file + ".git%2fconfig", 400), Map.entry(file + ".git%5cconfig", 400),
				Map.entry(file + ".git\\config", 400), Map.entry(file + "%2e%67%69%74%2fHEAD", 400));
	}

	static Stream<Arguments> spellingsForEachAccount() {
		return spellings().flatMap((spelling) -> Stream.of("config-client", "config-admin")
			.map((account) -> Arguments.of(spelling.getKey(), account, spelling.getValue())));
	}

	@ParameterizedTest(name = "{1} {0}")
	@MethodSource("spellingsForEachAccount")
	void noSpellingServesAGitFile(String path, String account, int status) {
		String response = get(path, account);

		assertThat(statusOf(response)).as(path).isEqualTo(status);
		if (status == 404) {
			assertThat(response).containsIgnoringCase("Content-Type: application/problem+json")
				.contains("\"type\":\"urn:problem-type:platform:not-found\"");
		}
		assertThat(response).as(path).doesNotContain(GIT_CONTENT);
	}

	@Test
	void theServedCommitsObjectsAreNotServed() {
		String commit = servedCommit();
		List<String> objects = new ArrayList<>();
		objects.add(".git/objects/" + commit.substring(0, 2) + "/" + commit.substring(2));
		objects.add(".git/objects/pack/");
		objects.add(".git/refs/heads/main");
		objects.add(".git/ORIG_HEAD");
		for (String object : objects) {
			String response = get("/greeter-service/default/" + commit + "/" + object, "config-client");
			assertThat(statusOf(response)).as(object).isEqualTo(404);
			assertThat(response).doesNotContain(GIT_CONTENT).doesNotContain(commit);
		}
	}

	@Test
	void theRepositorysOwnFilesAreStillServedToBothAccounts() {
		for (String account : List.of("config-client", "config-admin")) {
			for (String path : List.of("/greeter-service/default/main/greeter-service.yml",
					"/greeter-service/default/greeter-service.yml?useDefaultLabel")) {
				String response = get(path, account);
				assertThat(statusOf(response)).as("%s %s", account, path).isEqualTo(200);
				assertThat(response).contains("template:");
			}
		}
	}

	/**
	 * The console reads files from git's objects, not the working tree, by names it checks: neither
	 * a {@code .git} file to edit nor a {@code .git} label is accepted, and nothing is committed.
	 */
	@Test
	void theConsoleNamesNoGitFile() throws Exception {
		String head = ServedConfigRepo.git("rev-parse", "HEAD");
		ConsoleApi console = ConsoleApi.asAdmin();
		for (String file : List.of(".git/config", ".git(_)config", "%2egit/config", "..%2f.git%2fconfig")) {
			HttpResponse<String> edit = console.post("edits", ConsoleApi.edit(file, "core.bare", "true", "exposure"));
			assertThat(edit.statusCode()).as(file).isEqualTo(400);
			assertThat(edit.body()).contains("bad-file-name").doesNotContain(GIT_CONTENT);
		}
		for (String label : List.of(".git", "%2egit", "main(_).git")) {
			HttpResponse<String> read = console.get("applications/greeter-service/default?label=" + label);
			assertThat(read.statusCode()).as(label).isBetween(400, 499);
			assertThat(read.body()).doesNotContain(GIT_CONTENT);
		}
		assertThat(ServedConfigRepo.git("rev-parse", "HEAD")).as("nothing committed").isEqualTo(head);
	}

	/**
	 * A link committed to the repository that points into the clone's {@code .git} folder: the
	 * request names no {@code .git}, so only the file lookup, which looks at where the file really
	 * is, can refuse it.
	 */
	@Test
	void aCommittedLinkIntoTheGitFolderIsNotFollowed() throws Exception {
		Path link = ServedConfigRepo.file(LINK);
		Path control = ServedConfigRepo.file(CONTROL);
		Files.createSymbolicLink(link, Path.of(".git", "config"));
		Files.writeString(control, "served\n");
		ServedConfigRepo.commit("A link into .git, from an end-to-end test");
		try {
			await("config-service serving the commit").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> statusOf(get("/greeter-service/default/main/" + CONTROL, "config-client")) == 200);
			for (String account : List.of("config-client", "config-admin")) {
				String response = get("/greeter-service/default/main/" + LINK, account);
				assertThat(statusOf(response)).as(account).isEqualTo(404);
				assertThat(response).doesNotContain(GIT_CONTENT);
			}
		}
		finally {
			Files.deleteIfExists(link);
			Files.deleteIfExists(control);
			ServedConfigRepo.commit("Remove the link into .git of an end-to-end test");
		}
	}

	/** The commit config-service serves now, as its environment endpoint reports it. */
	private static String servedCommit() {
		String response = get("/greeter-service/default/main", "config-client");
		Matcher version = Pattern.compile("\"version\":\"([0-9a-f]{40})\"").matcher(response);
		assertThat(version.find()).as("version in %s", response).isTrue();
		return version.group(1);
	}

	private static String get(String path, String account) {
		String password = Platform.secret(account + "-password");
		String authorization = Platform.basicAuth(account, password).get("Authorization");
		return Platform.raw(Platform.CONFIG_SERVICE, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
				+ authorization + "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	}

	private static int statusOf(String response) {
		return Integer.parseInt(response.substring(0, response.indexOf("\r\n")).split(" ")[1]);
	}

}
