package dev.microplatform.config.console;

import java.io.File;
import java.io.OutputStream;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;

/**
 * The file system as JGit sees it, minus git hooks. JGit runs the served repository's
 * {@code post-commit} hook, which would post the console's commit to {@code /monitor}: a second
 * refresh of every instance, whose acknowledgements the console could not attribute. The console
 * publishes its own refresh instead.
 */
final class HooklessFileSystem extends FS_POSIX {

	HooklessFileSystem() {
	}

	private HooklessFileSystem(FS source) {
		super(source);
	}

	@Override
	public FS newInstance() {
		return new HooklessFileSystem(this);
	}

	@Override
	public File findHook(Repository repository, String hookName) {
		return null;
	}

	@Override
	public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args,
			OutputStream outRedirect, OutputStream errRedirect, String stdinArgs) {
		return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
	}

}
