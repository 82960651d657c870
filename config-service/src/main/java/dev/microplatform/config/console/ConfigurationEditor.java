package dev.microplatform.config.console;

import java.util.List;

import org.eclipse.jgit.lib.PersonIdent;

import org.springframework.util.StringUtils;

import dev.microplatform.config.console.ConsoleViews.Change;
import dev.microplatform.config.console.ConsoleViews.Edit;
import dev.microplatform.config.console.ConsoleViews.Refresh;

/**
 * The console's changes to the served repository: an edit of one property or a rollback, each one
 * commit by the signed-in operator, then a refresh of the instances the changed files configure
 * (a commit made here does not go through the repository's post-commit hook).
 */
class ConfigurationEditor {

	private final ServedRepository repository;

	private final YamlPropertyEditor yaml;

	private final InstanceRefresher refresher;

	ConfigurationEditor(ServedRepository repository, YamlPropertyEditor yaml, InstanceRefresher refresher) {
		this.repository = repository;
		this.yaml = yaml;
		this.refresher = refresher;
	}

	Change edit(Edit edit, String user) {
		String file = ServedRepository.checkFileName(edit.file());
		String before = this.repository.read(file);
		String after = this.yaml.set(file, before, edit.key(), edit.value());
		if (after.equals(before)) {
			throw ConsoleProblemException.conflict("no-change", "Nothing to change",
					"'" + edit.key() + "' already has this value in " + file);
		}
		String message = StringUtils.hasText(edit.message()) ? edit.message().strip()
				: "Set " + edit.key() + " in " + file + " (console)";
		CommitSummary commit = this.repository.commitFile(file, before, after, author(user), message);
		return new Change(commit, refresh(commit, user));
	}

	Change rollback(String commitId, String message, String user) {
		CommitSummary target = this.repository.summary(commitId);
		String text = StringUtils.hasText(message) ? message.strip()
				: "Roll back to " + target.shortId() + ": " + target.message().lines().findFirst().orElse("")
						+ " (console)";
		CommitSummary commit = this.repository.restore(target.id(), author(user), text);
		return new Change(commit, refresh(commit, user));
	}

	private List<Refresh> refresh(CommitSummary commit, String user) {
		return this.refresher.refreshFor(commit.files(), user, "commit " + commit.shortId());
	}

	private static PersonIdent author(String user) {
		return new PersonIdent(user, user + "@config-console");
	}

}
