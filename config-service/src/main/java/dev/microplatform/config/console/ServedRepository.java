package dev.microplatform.config.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.eclipse.jgit.api.CommitCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * The git repository Config Server serves, as the console reads and changes it: a working tree
 * people also commit to with git (the launcher's {@code .platform/config-repo}), so every change
 * is written to the working tree and committed there, never to the object store alone, and a file
 * someone is editing by hand (different from HEAD) is left alone. A change either becomes one
 * commit or leaves the files as they were. History is never rewritten: a rollback is a new commit.
 */
final class ServedRepository {

	private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*\\.yml");

	private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-fA-F]{7,40}");

	private final Path workTree;

	private final ReentrantLock writes = new ReentrantLock();

	ServedRepository(Path workTree) {
		this.workTree = workTree.toAbsolutePath().normalize();
	}

	Path workTree() {
		return this.workTree;
	}

	/** Refuses anything but a plain {@code *.yml} name in the repository's root: no traversal. */
	static String checkFileName(String file) {
		if (file == null || !FILE_NAME.matcher(file).matches() || file.contains("..")) {
			throw ConsoleProblemException.badFileName(String.valueOf(file));
		}
		return file;
	}

	/** The names of the files at HEAD in the repository's root. */
	List<String> files() {
		return withRepository((repository) -> {
			List<String> files = new ArrayList<>();
			RevCommit head = head(repository);
			try (TreeWalk walk = new TreeWalk(repository)) {
				walk.addTree(head.getTree());
				walk.setRecursive(false);
				while (walk.next()) {
					if (!walk.isSubtree()) {
						files.add(walk.getPathString());
					}
				}
			}
			return files;
		});
	}

	/** A file's content at HEAD. */
	String read(String file) {
		checkFileName(file);
		return withRepository((repository) -> {
			byte[] content = blob(repository, head(repository).getTree(), file);
			if (content == null) {
				throw ConsoleProblemException.notFound("file", file + " is not in the repository");
			}
			return new String(content, StandardCharsets.UTF_8);
		});
	}

	String headId() {
		return withRepository((repository) -> head(repository).getName());
	}

	/**
	 * Commits a new content of one file, which must be what HEAD has now in the working tree too.
	 * @param file the file
	 * @param expected the content the new one was made from (refused if HEAD has changed since)
	 * @param content the new content
	 * @param author who makes the change
	 * @param message the commit message
	 * @return the commit
	 */
	CommitSummary commitFile(String file, String expected, String content, PersonIdent author, String message) {
		checkFileName(file);
		this.writes.lock();
		try {
			return withRepository((repository) -> {
				byte[] atHead = blob(repository, head(repository).getTree(), file);
				if (atHead == null || !new String(atHead, StandardCharsets.UTF_8).equals(expected)) {
					throw ConsoleProblemException.conflict("concurrent-change", "The file changed meanwhile",
							file + " changed in the repository while the edit was prepared; try again");
				}
				Map<String, byte[]> changes = new LinkedHashMap<>();
				changes.put(file, content.getBytes(StandardCharsets.UTF_8));
				return commit(repository, Map.of(file, atHead), changes, author, message);
			});
		}
		finally {
			this.writes.unlock();
		}
	}

	/**
	 * A new commit whose files are as they were at an earlier commit: files changed since are
	 * restored, files added since removed, files removed since brought back.
	 */
	CommitSummary restore(String commitId, PersonIdent author, String message) {
		this.writes.lock();
		try {
			return withRepository((repository) -> {
				RevCommit head = head(repository);
				RevCommit target = commit(repository, commitId);
				Map<String, byte[]> atHead = new LinkedHashMap<>();
				Map<String, byte[]> changes = new LinkedHashMap<>();
				try (DiffFormatter formatter = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
					formatter.setRepository(repository);
					for (DiffEntry entry : formatter.scan(head.getTree(), target.getTree())) {
						String path = (entry.getChangeType() == DiffEntry.ChangeType.ADD) ? entry.getNewPath()
								: entry.getOldPath();
						atHead.put(path, blob(repository, head.getTree(), path));
						changes.put(path, blob(repository, target.getTree(), path));
					}
				}
				if (changes.isEmpty()) {
					throw ConsoleProblemException.conflict("nothing-to-roll-back", "Nothing to roll back",
							"the files are already as they were at " + target.abbreviate(7).name());
				}
				return commit(repository, atHead, changes, author, message);
			});
		}
		finally {
			this.writes.unlock();
		}
	}

	/** The latest commits, newest first. */
	List<CommitSummary> history(int limit) {
		return withRepository((repository) -> {
			List<CommitSummary> commits = new ArrayList<>();
			try (Git git = new Git(repository)) {
				for (RevCommit commit : git.log().setMaxCount(limit).call()) {
					commits.add(summary(repository, commit));
				}
			}
			return commits;
		});
	}

	/** A commit's changes as a unified diff against its first parent. */
	String diff(String commitId) {
		return withRepository((repository) -> {
			RevCommit commit = commit(repository, commitId);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			try (DiffFormatter formatter = new DiffFormatter(out); ObjectReader reader = repository.newObjectReader()) {
				formatter.setRepository(repository);
				formatter.format(parentTree(repository, commit, reader), tree(reader, commit.getTree()));
			}
			return out.toString(StandardCharsets.UTF_8);
		});
	}

	CommitSummary summary(String commitId) {
		return withRepository((repository) -> summary(repository, commit(repository, commitId)));
	}

	private CommitSummary commit(Repository repository, Map<String, byte[]> atHead, Map<String, byte[]> changes,
			PersonIdent author, String message) throws IOException, GitAPIException {
		for (Map.Entry<String, byte[]> file : atHead.entrySet()) {
			Path path = this.workTree.resolve(file.getKey());
			byte[] inWorkTree = Files.exists(path) ? Files.readAllBytes(path) : null;
			if (!Arrays.equals(inWorkTree, file.getValue())) {
				throw ConsoleProblemException.conflict("uncommitted-changes", "Uncommitted changes",
						file.getKey() + " has uncommitted changes in the repository's working tree; "
								+ "commit or discard them first");
			}
		}
		try (Git git = new Git(repository)) {
			try {
				for (Map.Entry<String, byte[]> change : changes.entrySet()) {
					write(change.getKey(), change.getValue());
					if (change.getValue() != null) {
						git.add().addFilepattern(change.getKey()).call();
					}
					else {
						git.rm().addFilepattern(change.getKey()).call();
					}
				}
				CommitCommand commit = git.commit().setAuthor(author).setCommitter(author).setMessage(message);
				changes.keySet().forEach(commit::setOnly);
				return summary(repository, commit.call());
			}
			catch (IOException | GitAPIException | RuntimeException ex) {
				// Nothing half-applied: the working tree (and index) back as they were
				for (Map.Entry<String, byte[]> file : atHead.entrySet()) {
					write(file.getKey(), file.getValue());
				}
				try {
					ResetCommand reset = git.reset();
					changes.keySet().forEach(reset::addPath);
					reset.call();
				}
				catch (GitAPIException ignored) {
					// the index is refreshed from the working tree by the next git command anyway
				}
				throw ex;
			}
		}
	}

	private void write(String file, byte[] content) throws IOException {
		Path path = this.workTree.resolve(file).normalize();
		if (!path.startsWith(this.workTree) || path.startsWith(this.workTree.resolve(Constants.DOT_GIT))) {
			throw ConsoleProblemException.badFileName(file);
		}
		if (content == null) {
			Files.deleteIfExists(path);
		}
		else {
			Files.createDirectories(path.getParent());
			Files.write(path, content);
		}
	}

	private CommitSummary summary(Repository repository, RevCommit commit) throws IOException {
		List<String> files = new ArrayList<>();
		try (DiffFormatter formatter = new DiffFormatter(DisabledOutputStream.INSTANCE);
				ObjectReader reader = repository.newObjectReader()) {
			formatter.setRepository(repository);
			for (DiffEntry entry : formatter.scan(parentTree(repository, commit, reader),
					tree(reader, commit.getTree()))) {
				files.add((entry.getChangeType() == DiffEntry.ChangeType.DELETE) ? entry.getOldPath()
						: entry.getNewPath());
			}
		}
		PersonIdent author = commit.getAuthorIdent();
		return new CommitSummary(commit.getName(), commit.abbreviate(7).name(), author.getName(),
				author.getEmailAddress(), Instant.ofEpochSecond(commit.getCommitTime()), commit.getFullMessage().strip(),
				files);
	}

	private static AbstractTreeIterator parentTree(Repository repository, RevCommit commit, ObjectReader reader)
			throws IOException {
		if (commit.getParentCount() == 0) {
			return new EmptyTreeIterator();
		}
		try (RevWalk walk = new RevWalk(repository)) {
			return tree(reader, walk.parseCommit(commit.getParent(0)).getTree());
		}
	}

	private static AbstractTreeIterator tree(ObjectReader reader, RevTree tree) throws IOException {
		CanonicalTreeParser parser = new CanonicalTreeParser();
		parser.reset(reader, tree);
		return parser;
	}

	private static RevCommit head(Repository repository) throws IOException {
		ObjectId head = repository.resolve(Constants.HEAD);
		if (head == null) {
			throw ConsoleProblemException.unavailable("the repository has no commit yet");
		}
		try (RevWalk walk = new RevWalk(repository)) {
			return walk.parseCommit(head);
		}
	}

	private static RevCommit commit(Repository repository, String commitId) throws IOException {
		if (commitId == null || !COMMIT_ID.matcher(commitId).matches()) {
			throw ConsoleProblemException.invalidField("commit", "'" + commitId + "' is not a commit id");
		}
		ObjectId id;
		try {
			id = repository.resolve(commitId + "^{commit}");
		}
		catch (org.eclipse.jgit.errors.AmbiguousObjectException ex) {
			throw ConsoleProblemException.invalidField("commit", "'" + commitId + "' names several commits");
		}
		catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.IncorrectObjectTypeException ex) {
			id = null;
		}
		if (id == null) {
			throw ConsoleProblemException.notFound("commit", "no commit " + commitId + " in the repository");
		}
		try (RevWalk walk = new RevWalk(repository)) {
			return walk.parseCommit(id);
		}
	}

	private static byte[] blob(Repository repository, RevTree tree, String path) throws IOException {
		try (TreeWalk walk = TreeWalk.forPath(repository, path, tree)) {
			return (walk != null) ? repository.open(walk.getObjectId(0)).getBytes() : null;
		}
	}

	private <T> T withRepository(RepositoryWork<T> work) {
		if (!Files.isDirectory(this.workTree.resolve(Constants.DOT_GIT))) {
			throw ConsoleProblemException.unavailable(this.workTree
					+ " is not a local git working tree (the console edits spring.cloud.config.server.git.uri when it is one)");
		}
		try (Repository repository = new FileRepositoryBuilder().setWorkTree(this.workTree.toFile())
			.setGitDir(this.workTree.resolve(Constants.DOT_GIT).toFile())
			.setFS(new HooklessFileSystem())
			.setMustExist(true)
			.build()) {
			return work.apply(repository);
		}
		catch (IOException | GitAPIException ex) {
			throw new IllegalStateException("could not work on the repository " + this.workTree + ": " + ex.getMessage(),
					ex);
		}
	}

	@FunctionalInterface
	private interface RepositoryWork<T> {

		T apply(Repository repository) throws IOException, GitAPIException;

	}

}
