package dev.microplatform.config.console;

import java.util.Map;

import dev.microplatform.starter.problem.ProblemTypes;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A request the console refuses, carried to {@link ConsoleProblemHandler} as an RFC 9457 problem:
 * a stable {@code type} per reason and the field at fault as a property, so scripts can tell a
 * wrong type from malformed YAML without parsing the message.
 */
final class ConsoleProblemException extends RuntimeException {

	/** Every reason of the console is a type of its own, under one prefix. */
	private static final String TYPE_PREFIX = "config-console-";

	private final HttpStatus status;

	private final String type;

	private final String title;

	private final Map<String, Object> properties;

	ConsoleProblemException(HttpStatus status, String type, String title, String detail,
			Map<String, Object> properties) {
		super(detail);
		this.status = status;
		this.type = type;
		this.title = title;
		this.properties = Map.copyOf(properties);
	}

	static ConsoleProblemException invalidYaml(String field, String detail) {
		return new ConsoleProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-yaml", "Not valid YAML", detail,
				Map.of("field", field));
	}

	static ConsoleProblemException wrongType(String key, String expectedType, String detail) {
		return new ConsoleProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "wrong-type", "Wrong type for the property",
				detail, Map.of("field", "value", "key", key, "expectedType", expectedType));
	}

	static ConsoleProblemException notEditable(String key, String detail) {
		return new ConsoleProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "not-editable",
				"The property cannot be edited in place", detail, Map.of("field", "key", "key", key));
	}

	static ConsoleProblemException invalidField(String field, String detail) {
		return new ConsoleProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-" + field, "Invalid " + field,
				detail, Map.of("field", field));
	}

	static ConsoleProblemException badFileName(String file) {
		return new ConsoleProblemException(HttpStatus.BAD_REQUEST, "bad-file-name", "Not a configuration file name",
				"'" + file + "' is not a plain *.yml file name in the repository's root", Map.of("field", "file"));
	}

	static ConsoleProblemException notFound(String what, String detail) {
		return new ConsoleProblemException(HttpStatus.NOT_FOUND, what + "-not-found", "No such " + what, detail,
				Map.of());
	}

	static ConsoleProblemException conflict(String type, String title, String detail) {
		return new ConsoleProblemException(HttpStatus.CONFLICT, type, title, detail, Map.of());
	}

	static ConsoleProblemException unavailable(String detail) {
		return new ConsoleProblemException(HttpStatus.SERVICE_UNAVAILABLE, "repository-unavailable",
				"The configuration repository is not editable", detail, Map.of());
	}

	HttpStatus status() {
		return this.status;
	}

	ProblemDetail toProblemDetail() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(this.status, getMessage());
		problem.setType(ProblemTypes.of(TYPE_PREFIX + this.type));
		problem.setTitle(this.title);
		this.properties.forEach(problem::setProperty);
		return problem;
	}

}
