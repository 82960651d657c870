package dev.microplatform.config.git;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.springframework.web.util.UriUtils;

/**
 * Whether a path, however spelled, names something in a {@code .git} folder: the served clone's
 * {@code config}, {@code HEAD}, refs, objects, logs and index are never configuration. Judged on
 * the path as received and after each of a few rounds of percent-decoding (double encoding is a
 * classic), with backslashes and Config Server's slash placeholder {@code (_)} taken as
 * separators, {@code ;} parameters cut off a segment, trailing dots and blanks ignored (a Windows
 * file system ignores them) and case ignored (a case-insensitive file system ignores it).
 */
final class GitFolderPath {

	private static final String GIT_FOLDER = ".git";

	/** Decoding rounds: three undo a triple encoding, more than any client needs for a real file. */
	private static final int DECODE_ROUNDS = 3;

	private GitFolderPath() {
	}

	/**
	 * Whether any spelling of the path has a {@code .git} segment.
	 * @param path a path, raw or decoded, or {@code null}
	 * @return whether it reaches into a {@code .git} folder
	 */
	static boolean reaches(String path) {
		if (path == null || path.isEmpty()) {
			return false;
		}
		String spelling = path;
		for (int round = 0; round <= DECODE_ROUNDS; round++) {
			if (hasGitSegment(spelling)) {
				return true;
			}
			if (spelling.indexOf('%') < 0) {
				return false;
			}
			try {
				spelling = UriUtils.decode(spelling, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				// A malformed escape decodes no further; what it spells so far was judged
				return false;
			}
		}
		return hasGitSegment(spelling);
	}

	private static boolean hasGitSegment(String path) {
		String separated = path.replace('\\', '/').replace("(_)", "/");
		for (String segment : separated.split("/")) {
			if (GIT_FOLDER.equals(canonical(segment))) {
				return true;
			}
		}
		return false;
	}

	private static String canonical(String segment) {
		int parameters = segment.indexOf(';');
		String name = (parameters >= 0) ? segment.substring(0, parameters) : segment;
		int end = name.length();
		while (end > 0 && (name.charAt(end - 1) == '.' || Character.isWhitespace(name.charAt(end - 1)))) {
			end--;
		}
		return name.substring(0, end).toLowerCase(Locale.ROOT);
	}

}
