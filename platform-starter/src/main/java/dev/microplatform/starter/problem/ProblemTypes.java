package dev.microplatform.starter.problem;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The platform's RFC 9457 problem types, in one place: every refusal of a platform service, its
 * gateway and its config service names its reason with a {@code type} of the form
 * {@code urn:problem-type:platform:<name>}, a name API consumers and scripts can rely on.
 */
public final class ProblemTypes {

	// Before the types below, which are checked against it as the class initializes
	private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	/** What every platform problem type starts with. */
	public static final String PREFIX = "urn:problem-type:platform:";

	/** A request the service could not take as sent: malformed, or failing validation. */
	public static final URI INVALID_REQUEST = of("invalid-request");

	/** Nothing is served at the request's path. */
	public static final URI NOT_FOUND = of("not-found");

	/** The endpoint's (or the consumer's) rate limit is used up. */
	public static final URI RATE_LIMITED = of("rate-limited");

	/** The service has as many requests in flight as it takes. */
	public static final URI OVERLOADED = of("overloaded");

	/** The request arrived after its caller's deadline. */
	public static final URI DEADLINE_EXCEEDED = of("deadline-exceeded");

	private ProblemTypes() {
	}

	/**
	 * Return the platform problem type of the given name.
	 * @param name the type's name: lower-case words joined by hyphens, such as {@code rate-limited}
	 * @return the type, {@code urn:problem-type:platform:<name>}
	 * @throws IllegalArgumentException if the name is not of that form
	 */
	public static URI of(String name) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("A problem type's name is lower-case words joined by hyphens, not '" + name + "'");
		}
		return URI.create(PREFIX + name);
	}

}
